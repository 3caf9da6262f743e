import { Observable, type Subscription } from 'rxjs';
import { RouteTimeoutError } from '../errors/route-timeout.error.js';

/** Longest delay a Node timer holds, ms (~24.8 days); a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Fails with a {@link RouteTimeoutError} when `source` has not emitted within `ms` (0, Infinity or
 * NaN: no limit; beyond a timer's ~24.8 days: that long).
 * For an Observable a timed route's handler returns (its first value); a handler's promise is timed
 * by {@link raceRouteTimeout}. One plain timer: rxjs' `timeout` goes through the async scheduler.
 */
export function withTimeout<T>(source: Observable<T>, requestedMs: number): Observable<T> {
  if (!(requestedMs > 0) || requestedMs === Infinity) return source;
  const ms = Math.min(requestedMs, MAX_TIMER_MS);
  return new Observable<T>((subscriber) => {
    const timer = setTimeout(() => {
      inner.unsubscribe();
      subscriber.error(new RouteTimeoutError(ms));
    }, ms);
    const inner: Subscription = source.subscribe({
      next: (value) => {
        clearTimeout(timer);
        subscriber.next(value);
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        subscriber.error(error);
      },
      complete: () => {
        clearTimeout(timer);
        subscriber.complete();
      },
    });
    return () => {
      clearTimeout(timer);
      inner.unsubscribe();
    };
  });
}

/**
 * Timeout of a replay, ms (0: none): the requested one, else the route's, capped by `maxMs`. A cap of
 * 0 or less still limits (1 ms): "no time left" must never read as "no limit".
 */
export function replayTimeout(overrides: { timeoutMs?: number; maxMs?: number } | undefined, routeTimeoutMs: number): number {
  const wanted = overrides?.timeoutMs ?? routeTimeoutMs;
  if (overrides?.maxMs === undefined) return wanted;
  const cap = Math.max(1, overrides.maxMs);
  return wanted > 0 ? Math.min(wanted, cap) : cap;
}
