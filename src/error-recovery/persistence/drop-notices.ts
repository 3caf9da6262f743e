import type { Clock } from '../resilience/clock.js';

/**
 * Tells about dropped errors without telling once per error: the first drop of a reason at once,
 * then at most one notice per `intervalMs` carrying how many were dropped since the last one. What
 * was dropped after a notice is told at the end of its interval even when no drop follows (a burst
 * that stops must not be reported as its first drop alone).
 */
export class DropNotices<R extends string> {
  private readonly last = new Map<R, { at: number; unreported: number; pending: boolean }>();

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
      if (!seen.pending) this.tellLater(reason, seen, seen.at + this.intervalMs - now);
      return;
    }
    const total = count + (seen?.unreported ?? 0);
    this.last.set(reason, { at: now, unreported: 0, pending: false });
    this.notify(reason, total);
  }

  /** Tells the drops counted since the last notice once its interval is over (a timer that does not hold the process). */
  private tellLater(reason: R, seen: { at: number; unreported: number; pending: boolean }, ms: number): void {
    seen.pending = true;
    void this.clock.sleep(ms, undefined, { unref: true })
      .then(() => {
        // A drop after the interval may have told them already (and started a new entry).
        if (this.last.get(reason) !== seen || seen.unreported === 0) return;
        const total = seen.unreported;
        this.last.set(reason, { at: this.clock.now(), unreported: 0, pending: false });
        this.notify(reason, total);
      })
      // Never an unhandled rejection: a notice that fails is only a notice lost.
      .catch(() => undefined);
  }
}
