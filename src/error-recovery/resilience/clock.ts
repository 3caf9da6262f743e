/** Time source for everything in the module that waits or measures. Injected so tests can use fake time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`; rejects with the signal's reason when it aborts first. `unref`: the wait
   * must not keep the process alive (a background revert, not a request's wait); a clock without
   * real timers ignores it.
   */
  sleep(ms: number, signal?: AbortSignal, options?: { unref?: boolean }): Promise<void>;
}

/** Longest delay a Node timer holds, ms: a longer one fires at once (after 1 ms), so waits are capped here. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The real clock. Uses the global timers at call time, so jest fake timers drive it. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal, options) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      if (options?.unref) timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
