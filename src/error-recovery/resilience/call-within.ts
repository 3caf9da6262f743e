import { MAX_TIMER_MS, type Clock } from './clock.js';

/**
 * Runs `fn` with a deadline of `ms` on `clock` (0, Infinity or NaN: none) and the caller's
 * `outer` signal. Rejects with `onTimeout()` at the deadline, or with `outer`'s reason when it
 * aborts first; either way the signal `fn` got aborts so it can stop, and the abandoned call's own
 * rejection is handled (never an unhandled rejection).
 */
export async function callWithin<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  ms: number,
  clock: Clock,
  onTimeout: () => Error,
  outer?: AbortSignal,
): Promise<T> {
  outer?.throwIfAborted();
  const own = new AbortController();
  const signal = outer ? AbortSignal.any([outer, own.signal]) : own.signal;
  const work = (async () => await fn(signal))();
  const timed = ms > 0 && Number.isFinite(ms);
  if (!timed && !outer) return await work;
  work.catch(() => undefined);
  const done = new AbortController();
  const racers: Promise<T>[] = [work];
  if (timed) {
    racers.push(
      // Beyond a timer's range the deadline is that range (a longer timer would fire at once).
      clock.sleep(Math.min(ms, MAX_TIMER_MS), done.signal, { unref: true }).then(() => {
        const error = onTimeout();
        own.abort(error);
        throw error;
      }),
    );
  }
  if (outer) {
    racers.push(new Promise<never>((_, reject) => outer.addEventListener('abort', () => reject(outer.reason), { once: true, signal: done.signal })));
  }
  try {
    return await Promise.race(racers);
  } finally {
    done.abort();
  }
}
