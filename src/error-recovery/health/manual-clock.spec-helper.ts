import type { Clock } from '../resilience/clock.js';

/** A clock whose sleeps end only when the test advances time past them (or their signal aborts). */
export class ManualClock implements Clock {
  t = 1_000_000;
  private sleepers: { until: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const sleeper = { until: this.t + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason as Error);
      });
    });
  }

  /** Sleeps waiting now. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time on and wakes the sleeps that are due; lets their continuations run. */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
    await flush();
  }
}

/** Lets pending promise continuations run (no timers involved). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
