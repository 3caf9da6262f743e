/**
 * A handler run that a route timeout left behind, still going. JavaScript cannot cancel it, so rather
 * than running the request again from scratch, timeout_increase may wait a little longer for it.
 */
export interface InFlightRun {
  /** When the run started, ms since the epoch (the module's clock). */
  readonly startedAt: number;
  /**
   * Waits up to `ms` for the run to finish: resolves with its response value, rejects with its error,
   * or — when `ms` passes or `signal` aborts first — rejects with a {@link RouteTimeoutError} and
   * abandons the run. One wait per run; a second rejects.
   */
  wait(ms: number, signal?: AbortSignal): Promise<unknown>;
  /** Unsubscribes from the run so nothing of it is kept. Idempotent. */
  abandon(): void;
  /** True once a wait for it ended (time up, or aborted) before the run answered. */
  readonly waitedInVain: boolean;
}

/**
 * A route handler that did not answer within the route's timeout (`routeTimeoutMs` or
 * `@AiErrorHandler({ timeoutMs })`). Named `TimeoutError`, so it is classified exactly as rxjs'
 * TimeoutError (TimeoutError, transient, 503). It may carry the still-running handler run, which
 * the first taker owns; the route wrapper abandons it when nobody took it.
 */
export class RouteTimeoutError extends Error {
  /** Brand, so the guard works across two copies of the package. */
  readonly isRouteTimeoutError = true;
  #run: InFlightRun | undefined;
  #taken: InFlightRun | undefined;

  constructor(
    /** The timeout that fired, ms. */
    readonly timeoutMs: number,
    run?: InFlightRun,
  ) {
    super(`The route handler did not answer within its ${timeoutMs} ms timeout; raise the route's timeoutMs if it is meant to be slow.`);
    this.name = 'TimeoutError';
    this.#run = run;
  }

  /** The still-running handler run, handed over once (undefined afterwards or when there is none). */
  takeRun(): InFlightRun | undefined {
    const run = this.#run;
    this.#run = undefined;
    this.#taken ??= run;
    return run;
  }

  /**
   * Whether someone waited for the run and it still had not answered when the wait ended: the
   * dependency did not answer even under a raised timeout (the breaker counts that as a failure).
   */
  get waitedInVain(): boolean {
    return this.#taken?.waitedInVain === true;
  }

  /** Abandons the run if nobody took it: the handler's result is then dropped. */
  release(): void {
    this.takeRun()?.abandon();
  }
}

/** Whether `e` is a {@link RouteTimeoutError} (brand-based: true for another copy of the package too). */
export function isRouteTimeoutError(e: unknown): e is RouteTimeoutError {
  try {
    return typeof e === 'object' && e !== null && (e as { isRouteTimeoutError?: unknown }).isRouteTimeoutError === true && typeof (e as { takeRun?: unknown }).takeRun === 'function';
  } catch {
    // A hostile Proxy: not ours.
    return false;
  }
}
