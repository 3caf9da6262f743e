import type { CircuitPolicy, CircuitState } from '../../resilience/circuit-state.js';

/** What one call breaker has seen since the process started. */
export interface CallBreakerCounts {
  /** Calls that ended in a success. */
  successes: number;
  /** Calls that failed with an error that counts (see `isFailure`). */
  failures: number;
  /** Calls that failed with an error that does not count: neutral for the breaker. */
  ignored: number;
  /** Calls refused because the breaker was open (or half-open with its probes taken). */
  rejected: number;
  /** Times it opened. */
  opened: number;
}

/** `CircuitBreakers.getStatus(name)`. */
export interface CircuitBreakerStatus {
  name: string;
  state: CircuitState['kind'];
  counts: CallBreakerCounts;
  /** Failures in a row (closed only). */
  consecutiveFailures: number;
  /** Calls and failures in the rolling window now (closed only). */
  window: { calls: number; failures: number };
  /** The last counted failure: when (ISO 8601) and its message, secrets scrubbed. Null if none yet. */
  lastFailure: { at: string; message: string } | null;
  /** Open: ms until it lets probes through (0 once due). Null when not open. */
  msUntilHalfOpen: number | null;
  policy: CircuitPolicy;
}
