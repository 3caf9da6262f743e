import { Observable, type Subscription } from 'rxjs';
import { RouteTimeoutError, type InFlightRun } from '../errors/route-timeout.error.js';
import { systemClock, type Clock } from '../resilience/clock.js';

/** How {@link withTimeout} treats the run it gives up on. */
export interface WithTimeoutOptions {
  /**
   * Keep the run going and hand it over on the error (see {@link RouteTimeoutError.takeRun}), instead
   * of unsubscribing at once. Whoever gets the error must take or release it. Default false.
   */
  handOver?: boolean;
  /** Clock of the run's start time. Default the system clock. */
  clock?: Clock;
}

/** Longest delay a Node timer holds, ms (~24.8 days); a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Fails with a {@link RouteTimeoutError} when `source` has not emitted within `ms` (0, Infinity or
 * NaN: no limit; beyond a timer's ~24.8 days: that long).
 * One plain timer per request: rxjs' `timeout` goes through the async scheduler, which costs several
 * times more on a path every request takes.
 */
export function withTimeout<T>(source: Observable<T>, requestedMs: number, options: WithTimeoutOptions = {}): Observable<T> {
  if (!(requestedMs > 0) || requestedMs === Infinity) return source;
  const ms = Math.min(requestedMs, MAX_TIMER_MS);
  return new Observable<T>((subscriber) => {
    // Only the start time is kept on the success path; the run object is made if the timeout fires.
    const startedAt = options.handOver ? (options.clock ?? systemClock).now() : 0;
    let run: HandedOverRun | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (options.handOver) {
        run = new HandedOverRun(startedAt);
        run.attach(inner);
      } else {
        inner.unsubscribe();
      }
      subscriber.error(new RouteTimeoutError(ms, run));
    }, ms);
    const inner: Subscription = source.subscribe({
      next: (value) => {
        if (timedOut) return run?.next(value);
        clearTimeout(timer);
        subscriber.next(value);
      },
      error: (error: unknown) => {
        if (timedOut) return run?.fail(error);
        clearTimeout(timer);
        subscriber.error(error);
      },
      complete: () => {
        if (timedOut) return run?.complete();
        clearTimeout(timer);
        subscriber.complete();
      },
    });
    return () => {
      clearTimeout(timer);
      // After a timeout a handed-over run belongs to whoever took it (or is released with the error).
      if (!timedOut || !run) inner.unsubscribe();
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

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A run kept after its timeout: buffers its outcome until someone waits for it or abandons it. */
class HandedOverRun implements InFlightRun {
  private subscription: Subscription | undefined;
  private last: unknown;
  private outcome: Outcome | undefined;
  private abandoned = false;
  private waiting = false;
  /** See {@link InFlightRun.waitedInVain}. */
  waitedInVain = false;
  private settle: ((outcome: Outcome) => void) | undefined;

  constructor(readonly startedAt: number) {}

  attach(subscription: Subscription): void {
    this.subscription = subscription;
  }

  next(value: unknown): void {
    this.last = value;
  }

  fail(error: unknown): void {
    this.finish({ ok: false, error });
  }

  complete(): void {
    this.finish({ ok: true, value: this.last });
  }

  wait(ms: number, signal?: AbortSignal): Promise<unknown> {
    if (this.waiting || this.abandoned) return Promise.reject(new Error('this handler run was already waited for or abandoned'));
    this.waiting = true;
    return new Promise<Outcome>((resolve) => {
      if (this.outcome) return resolve(this.outcome);
      const settle = (outcome: Outcome): void => {
        this.settle = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(outcome);
      };
      const giveUp = (): void => {
        if (!this.outcome) this.waitedInVain = true;
        settle({ ok: false, error: new RouteTimeoutError(ms) });
        this.abandon();
      };
      const timer = setTimeout(giveUp, Math.max(0, ms));
      this.settle = settle;
      if (signal?.aborted) return giveUp();
      signal?.addEventListener('abort', giveUp, { once: true });
    }).then((outcome) => (outcome.ok ? outcome.value : Promise.reject(outcome.error)));
  }

  abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.last = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    const settle = this.settle;
    this.settle = undefined;
    settle?.({ ok: false, error: new Error('handler run abandoned') });
  }

  private finish(outcome: Outcome): void {
    if (this.outcome || this.abandoned) return;
    this.outcome = outcome;
    this.last = undefined;
    this.subscription = undefined;
    const settle = this.settle;
    this.settle = undefined;
    settle?.(outcome);
  }
}
