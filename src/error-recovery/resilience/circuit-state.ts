/**
 * Outcomes of one slice of the rolling window. `start` is the slice's start time (ms, aligned to
 * the slice length), so the window can be rebuilt from the state alone.
 */
export interface CircuitBucket {
  readonly start: number;
  readonly calls: number;
  readonly failures: number;
}

/** A half-open probe in flight: its ticket and when it was let through (ms). */
export interface CircuitProbe {
  readonly ticket: string;
  readonly admittedAt: number;
}

/**
 * Serialisable state of one circuit breaker (so a shared store can hold it later). `trips` counts
 * consecutive openings; it sets the next open duration and decays while the breaker stays closed.
 */
export type CircuitState =
  | {
      readonly kind: 'closed';
      readonly consecutiveFailures: number;
      /** Rolling window of outcomes, oldest slice first. */
      readonly buckets: readonly CircuitBucket[];
      readonly trips: number;
      /** When the breaker last closed after a trip (ms); null when it never opened. */
      readonly closedAt: number | null;
    }
  | { readonly kind: 'open'; readonly openedAt: number; readonly reopenAt: number; readonly trips: number }
  | {
      readonly kind: 'half_open';
      /** `openedAt` of the opening this half-open phase follows; probe tickets carry it. */
      readonly openedAt: number;
      readonly trips: number;
      readonly probes: readonly CircuitProbe[];
      readonly probeSuccesses: number;
      /** Probes let through in this phase (numbers the tickets). */
      readonly admitted: number;
    };

/** The state a new breaker starts in. */
export const INITIAL_CIRCUIT_STATE: CircuitState = { kind: 'closed', consecutiveFailures: 0, buckets: [], trips: 0, closedAt: null };

/**
 * When the breaker opens and how it recovers. Product defaults (see `error-recovery-options.ts`):
 * 5 consecutive failures, or ≥ 50 % of ≥ 20 calls over 10 s; open 5 s × trips up to 60 s; 1 probe.
 */
export interface CircuitPolicy {
  /** Consecutive failures that open a closed breaker. */
  failureThreshold: number;
  /** Failure rate over the window that opens a closed breaker, percent (1–100). */
  failureRateThreshold: number;
  /** Calls the window must hold before the failure rate counts. */
  minimumCalls: number;
  /** Length of the rolling window, ms. */
  windowMs: number;
  /** Open duration of the first trip, ms; trip n stays open n × this. */
  openMs: number;
  /** Cap of the open duration, ms; also the time closed that forgives one trip. */
  maxOpenMs: number;
  /** Probes let through while half-open; that many successes close the breaker. */
  halfOpenRequests: number;
  /** A probe not finished after this long gives its slot back, ms. */
  probeTimeoutMs: number;
}

/** What the caller should do with a request. A probe carries the ticket its outcome must quote. */
export type CircuitDecision =
  | { readonly allow: true; readonly probe: false }
  | { readonly allow: true; readonly probe: true; readonly ticket: string }
  | { readonly allow: false; readonly retryAfterMs: number };

/** How a request admitted by the breaker ended, as far as the breaker is concerned. */
export type CircuitOutcome = 'success' | 'failure' | 'neutral';
