/**
 * A check of one dependency: resolves (any value) when it is usable, throws or rejects when not.
 * `signal` aborts when the check's timeout has passed, so it can cancel its own work.
 */
export type HealthCheckFunction = (signal: AbortSignal) => unknown;

/** How a check is run and what its failure means. */
export interface HealthCheckOptions {
  /**
   * The circuit breaker protecting this dependency. While it is open, a passing check moves it to
   * half-open at once (health-driven recovery); its state also shows in the report. Default none.
   */
  breaker?: string;
  /** Longest run of this check, ms. Default the module's `health.timeoutMs` (2000). */
  timeoutMs?: number;
  /**
   * A failure makes the whole app `error` and not ready (the readiness probe answers 503).
   * Default false: a failure only makes it `degraded`.
   */
  critical?: boolean;
}

/** One named check, as the health service runs it. */
export interface HealthCheckDefinition extends HealthCheckOptions {
  /** Key in the report's `services`, e.g. `payments`. */
  name: string;
  check: HealthCheckFunction;
}

/**
 * A provider of checks read before every run, e.g. the Redis connection's `ping()`. Add one with
 * `HealthService.addSource()`; its checks are run with the others (a duplicate name is skipped).
 */
export interface HealthCheckSource {
  checks(): readonly HealthCheckDefinition[];
}
