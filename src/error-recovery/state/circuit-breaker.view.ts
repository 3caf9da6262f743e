import { CircuitMachine } from '../resilience/circuit-breaker.js';
import { CircuitOpeningPolicy } from '../resilience/circuit-opening.policy.js';
import type { CircuitPolicy, CircuitState } from '../resilience/circuit-state.js';

/** What the registry counted for one breaker since the process started. */
export interface BreakerCounts {
  /** Successes that changed its state (a probe, a success after failures). */
  successes: number;
  failures: number;
  /** Calls refused while open or half-open. */
  rejected: number;
  opened: number;
}

/** One breaker as the API lists it. */
export interface CircuitBreakerView {
  name: string;
  state: CircuitState['kind'];
  consecutive_failures: number;
  /** Outcomes in the rolling window now (closed breakers; zeros otherwise). */
  window: { seconds: number; calls: number; failures: number; failure_rate_percent: number | null };
  /** Consecutive trips remembered (sets the next open duration; forgiven while closed). */
  trips: number;
  /** How long the next (or current) opening lasts, ms. */
  open_duration_ms: number;
  opened_at: string | null;
  reopen_at: string | null;
  /** Half-open only: probes running and probes that succeeded. */
  probes: { in_flight: number; succeeded: number } | null;
  policy: CircuitPolicy;
  counts: BreakerCounts;
}

/** The listed view of breaker `name` in `state` at `now` (module clock, ms). Pure. */
export function circuitBreakerView(name: string, state: CircuitState, policy: CircuitPolicy, counts: BreakerCounts, now: number): CircuitBreakerView {
  const window = state.kind === 'closed' ? CircuitOpeningPolicy.counts(state.buckets, policy, now) : { calls: 0, failures: 0 };
  const trips = CircuitMachine.trips(state, policy, now);
  return {
    name,
    state: state.kind,
    consecutive_failures: state.kind === 'closed' ? state.consecutiveFailures : 0,
    window: {
      seconds: policy.windowMs / 1000,
      ...window,
      failure_rate_percent: window.calls === 0 ? null : Math.round((window.failures * 100) / window.calls),
    },
    trips,
    open_duration_ms: state.kind === 'open' ? state.reopenAt - state.openedAt : CircuitOpeningPolicy.openDurationMs(trips + 1, policy),
    opened_at: state.kind === 'open' ? new Date(state.openedAt).toISOString() : null,
    reopen_at: state.kind === 'open' ? new Date(state.reopenAt).toISOString() : null,
    probes: state.kind === 'half_open' ? { in_flight: state.probes.length, succeeded: state.probeSuccesses } : null,
    policy,
    counts,
  };
}
