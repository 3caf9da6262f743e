/** Serialisable state of one circuit breaker (so a shared store can hold it later). */
export type CircuitState =
  | { readonly kind: 'closed'; readonly consecutiveFailures: number }
  | { readonly kind: 'open'; readonly openedAt: number; readonly reopenAt: number }
  | { readonly kind: 'half_open'; readonly probesInFlight: number; readonly probeSuccesses: number };

/** The state a new breaker starts in. */
export const INITIAL_CIRCUIT_STATE: CircuitState = { kind: 'closed', consecutiveFailures: 0 };

/** When the breaker opens and how it recovers (product defaults: 5 failures, 60 s, 1 probe). */
export interface CircuitPolicy {
  /** Consecutive failures that open a closed breaker. */
  failureThreshold: number;
  /** How long an open breaker fails fast before letting probes through, ms. */
  openMs: number;
  /** Probes let through while half-open; that many successes close the breaker. */
  halfOpenRequests: number;
}

/** What the caller should do with a request. */
export type CircuitDecision = { readonly allow: true; readonly probe: boolean } | { readonly allow: false; readonly retryAfterMs: number };
