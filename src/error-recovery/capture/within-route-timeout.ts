import { isThenable } from '../common/safe-read.js';
import { RouteTimeoutError, type InFlightRun } from '../errors/route-timeout.error.js';
import type { Clock } from '../resilience/clock.js';

/** Longest delay a Node timer holds, ms (~24.8 days); a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;


/**
 * Runs `run` and settles as it does, or rejects with a {@link RouteTimeoutError} carrying the
 * still-running run when it has not settled within `ms` (0, NaN or Infinity: no limit).
 */
export function withinRouteTimeout(run: () => unknown, ms: number, clock: Clock): Promise<unknown> {
  const startedAt = clock.now();
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    return Promise.reject(error);
  }
  return raceRouteTimeout(result, ms, startedAt);
}

/**
 * Settles as the handler's `result` does, or rejects with a {@link RouteTimeoutError} carrying the
 * still-running run when it has not settled within `ms` (0, NaN or Infinity: no limit; a plain value
 * is in time). One plain timer per call, and only for a promise. The handler is called by the
 * caller, so its error's stack (and fingerprint) is the same with a timeout as without.
 */
export function raceRouteTimeout(result: unknown, requestedMs: number, startedAt: number): Promise<unknown> {
  if (!(requestedMs > 0) || requestedMs === Infinity || !isThenable(result)) return Promise.resolve(result);
  const ms = Math.min(requestedMs, MAX_TIMER_MS);
  const pending = Promise.resolve(result);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RouteTimeoutError(ms, new PendingRun(pending, startedAt))), ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A handler run a route timeout gave up on, still going: timeout_increase may wait for it once. */
class PendingRun implements InFlightRun {
  /** See {@link InFlightRun.waitedInVain}. */
  waitedInVain = false;
  private used = false;

  constructor(
    private pending: Promise<unknown> | undefined,
    readonly startedAt: number,
  ) {}

  wait(ms: number, signal?: AbortSignal): Promise<unknown> {
    const pending = this.pending;
    if (this.used || !pending) return Promise.reject(new Error('this handler run was already waited for or abandoned'));
    this.used = true;
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        return true;
      };
      const giveUp = (): void => {
        if (!finish()) return;
        this.waitedInVain = true;
        this.abandon();
        reject(new RouteTimeoutError(ms));
      };
      const timer = setTimeout(giveUp, Math.max(0, ms));
      if (signal?.aborted) return giveUp();
      signal?.addEventListener('abort', giveUp, { once: true });
      pending.then(
        (value) => finish() && resolve(value),
        (error: unknown) => finish() && reject(error),
      );
    });
  }

  /** JavaScript cannot cancel the run: its result is dropped (nothing of it is kept here). */
  abandon(): void {
    this.used = true;
    this.pending = undefined;
  }
}
