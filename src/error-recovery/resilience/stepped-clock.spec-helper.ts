import type { Clock } from './clock.js';

/** Sleeps resolve only when the test moves time past them. */
export class SteppedClock implements Clock {
  t = 0;
  private sleepers: { at: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.t + ms, resolve, reject };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }
  get pending(): number {
    return this.sleepers.length;
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}
