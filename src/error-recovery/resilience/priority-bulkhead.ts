/** Priorities of waiting requests, lowest first. */
export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A held slot. Releasing twice is harmless. */
export interface Permit {
  release(): void;
}

/** Thrown when the waiting queue is full. */
export class BulkheadFullError extends Error {
  constructor(readonly queued: number) {
    super(`bulkhead queue full (${queued} waiting)`);
    this.name = 'BulkheadFullError';
  }
}

interface Waiter {
  priority: number;
  seq: number;
  grant: (permit: Permit) => void;
  reject: (error: unknown) => void;
}

/**
 * At most `concurrency` requests run at once; up to `queueLimit` wait, served by priority and, within
 * a priority, in arrival order. A freed slot goes straight to the best waiter.
 */
export class PriorityBulkhead {
  private active = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  acquire(priority: Priority, signal?: AbortSignal): Promise<Permit> {
    if (this.active < this.concurrency && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve(this.permit());
    }
    return this.enqueue(priority, signal);
  }

  /**
   * Gives up `held` and waits for a slot again at `priority` — queued before the slot is freed, so a
   * boosted request goes ahead of lower-priority waiters.
   */
  requeue(held: Permit, priority: Priority, signal?: AbortSignal): Promise<Permit> {
    const next = this.enqueue(priority, signal, true);
    held.release();
    return next;
  }

  stats(): { active: number; queued: number; byPriority: Record<Priority, number> } {
    const byPriority = { low: 0, normal: 0, high: 0, critical: 0 };
    for (const w of this.waiting) byPriority[PRIORITIES[w.priority]]++;
    return { active: this.active, queued: this.waiting.length, byPriority };
  }

  private enqueue(priority: Priority, signal?: AbortSignal, force = false): Promise<Permit> {
    if (!force && this.waiting.length >= this.queueLimit) return Promise.reject(new BulkheadFullError(this.waiting.length));
    return new Promise<Permit>((grant, reject) => {
      const waiter: Waiter = { priority: PRIORITIES.indexOf(priority), seq: this.seq++, grant, reject };
      const at = this.waiting.findIndex((w) => w.priority < waiter.priority);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiting.indexOf(waiter);
          if (i !== -1) {
            this.waiting.splice(i, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
    });
  }

  private permit(): Permit {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next.grant(this.permit());
        else this.active--;
      },
    };
  }
}

/** The priority `levels` steps up, by the boost factor (normal × 2 → high), capped at critical. */
export function boostPriority(current: Priority, boostFactor: number): Priority {
  const level = PRIORITIES.indexOf(current);
  const boosted = Math.max(level + 1, Math.round(level * boostFactor));
  return PRIORITIES[Math.min(PRIORITIES.length - 1, boosted)];
}
