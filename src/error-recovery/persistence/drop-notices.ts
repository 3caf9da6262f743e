import type { Clock } from '../resilience/clock.js';

/**
 * Tells about dropped errors without telling once per error: the first drop of a reason at once,
 * then at most one notice per `intervalMs` carrying how many were dropped since the last one.
 */
export class DropNotices<R extends string> {
  private readonly last = new Map<R, { at: number; unreported: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly notify: (reason: R, count: number) => void,
  ) {}

  dropped(reason: R, count = 1): void {
    const now = this.clock.now();
    const seen = this.last.get(reason);
    if (seen && now - seen.at < this.intervalMs) {
      seen.unreported += count;
      return;
    }
    const total = count + (seen?.unreported ?? 0);
    this.last.set(reason, { at: now, unreported: 0 });
    this.notify(reason, total);
  }
}
