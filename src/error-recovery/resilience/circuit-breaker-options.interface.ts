/**
 * Circuit breakers. A breaker opens on evidence: `failureThreshold` consecutive failures, or a
 * failure rate of `failureRateThreshold` % over the last `windowSeconds` once `minimumCalls` calls
 * were seen. Only requests that finally failed (after recovery) with a dependency error count; the
 * route's own timeout does not. Open for `timeoutSeconds` × consecutive trips, at most `maxTimeoutSeconds`.
 */
export interface CircuitBreakerOptions {
  /** Consecutive dependency failures of a route that open its breaker. Default 5. */
  failureThreshold?: number;
  /** Failure rate over the window that opens the breaker, percent (1–100). Default 50. */
  failureRateThreshold?: number;
  /** Calls the window must hold before its failure rate can open the breaker. Default 20. */
  minimumCalls?: number;
  /** Length of the rolling window of the failure rate, seconds. Default 10. */
  windowSeconds?: number;
  /** Open duration of the first trip, seconds; trip n stays open n × this. Default 5 (was 60 flat). */
  timeoutSeconds?: number;
  /**
   * Cap of the open duration, seconds. Each full `maxTimeoutSeconds` the breaker stays closed
   * forgives one trip. Default 60.
   */
  maxTimeoutSeconds?: number;
  /** Probes let through while half-open; as many successes close it. Default 1. */
  halfOpenRequests?: number;
  /** A half-open probe that has not finished after this long gives its slot back, seconds. Default 30. */
  probeTimeoutSeconds?: number;
}
