import { Injectable } from '@nestjs/common';
import { BulkheadRejectedError } from '../errors/bulkhead-full.error.js';
import { BulkheadFullError, PriorityBulkhead, type Permit, type Priority } from '../resilience/priority-bulkhead.js';
import type { BulkheadSlot } from '../resilience/bulkhead-slot.interface.js';

/** A route's concurrency limit, declared with `@AiErrorHandler({ bulkhead })`. */
export interface BulkheadOptions {
  /** Requests of the route running at once. */
  concurrency: number;
  /** Requests waiting at most; beyond it, 503 with Retry-After. Default 100. */
  queue?: number;
  /** Priority of the route's requests when the trusted header does not say. Default `normal`. */
  priority?: Priority;
}

/** One bulkhead as the API lists it. */
export interface BulkheadView {
  route: string;
  concurrency: number;
  queue_limit: number;
  active: number;
  queued: number;
  queued_by_priority: Record<Priority, number>;
}

/** The bulkheads of the routes that declare one. */
@Injectable()
export class BulkheadRegistry {
  private readonly bulkheads = new Map<string, PriorityBulkhead>();

  for(route: string, options: BulkheadOptions): PriorityBulkhead {
    let bulkhead = this.bulkheads.get(route);
    if (!bulkhead) {
      bulkhead = new PriorityBulkhead(Math.max(1, options.concurrency), Math.max(0, options.queue ?? 100));
      this.bulkheads.set(route, bulkhead);
    }
    return bulkhead;
  }

  /**
   * A request's hold on its route's bulkhead: `acquire` waits for a slot (or rejects with
   * BulkheadRejectedError), `slot.requeue` trades it for a later one at another priority, `release`
   * frees whatever is held.
   */
  slot(route: string, options: BulkheadOptions, priority: Priority, maxWaitMs: number): { acquire(): Promise<void>; slot: BulkheadSlot; release(): void } {
    const bulkhead = this.for(route, options);
    let permit: Permit | undefined;
    const slot = {
      priority,
      async requeue(to: Priority, signal?: AbortSignal): Promise<void> {
        if (!permit) throw new Error('no slot held');
        const held = permit;
        permit = undefined;
        permit = await bulkhead.requeue(held, to, signal);
        slot.priority = to;
      },
    };
    return {
      slot,
      acquire: async () => {
        try {
          permit = await bulkhead.acquire(priority, AbortSignal.timeout(maxWaitMs));
        } catch (error) {
          if (error instanceof BulkheadFullError) throw new BulkheadRejectedError(route, error.queued);
          throw new BulkheadRejectedError(route, bulkhead.stats().queued, `waited ${maxWaitMs} ms for a slot`);
        }
      },
      release: () => permit?.release(),
    };
  }

  list(): BulkheadView[] {
    return [...this.bulkheads.entries()].map(([route, b]) => {
      const s = b.stats();
      return { route, concurrency: b.concurrency, queue_limit: b.queueLimit, active: s.active, queued: s.queued, queued_by_priority: s.byPriority };
    });
  }
}
