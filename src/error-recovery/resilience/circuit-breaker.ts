import { INITIAL_CIRCUIT_STATE, type CircuitDecision, type CircuitPolicy, type CircuitState } from './circuit-state.js';

/** A state change, for events (alerts and metrics subscribe to these). */
export interface CircuitTransition {
  from: CircuitState['kind'];
  to: CircuitState['kind'];
  state: CircuitState;
}

function assertNever(state: never): never {
  throw new Error(`unknown circuit state ${JSON.stringify(state)}`);
}

/**
 * The breaker's state machine, as pure functions of (state, policy, now). CLOSED counts consecutive
 * failures and opens at the threshold; OPEN fails fast until `reopenAt`, then lets
 * `halfOpenRequests` probes through (HALF_OPEN); their success closes it, any failure re-opens it.
 */
export const CircuitMachine = {
  /** Whether a request may go through now, and the state after letting it (probes are counted). */
  admit(state: CircuitState, policy: CircuitPolicy, now: number): { decision: CircuitDecision; next: CircuitState } {
    switch (state.kind) {
      case 'closed':
        return { decision: { allow: true, probe: false }, next: state };
      case 'open':
        if (now < state.reopenAt) return { decision: { allow: false, retryAfterMs: state.reopenAt - now }, next: state };
        return { decision: { allow: true, probe: true }, next: { kind: 'half_open', probesInFlight: 1, probeSuccesses: 0 } };
      case 'half_open':
        if (state.probesInFlight + state.probeSuccesses >= policy.halfOpenRequests) {
          return { decision: { allow: false, retryAfterMs: 1000 }, next: state };
        }
        return { decision: { allow: true, probe: true }, next: { ...state, probesInFlight: state.probesInFlight + 1 } };
      default:
        return assertNever(state);
    }
  },

  onSuccess(state: CircuitState, policy: CircuitPolicy): CircuitState {
    switch (state.kind) {
      case 'closed':
        return state.consecutiveFailures === 0 ? state : INITIAL_CIRCUIT_STATE;
      case 'open':
        return state; // a request admitted before the breaker opened; it does not close it
      case 'half_open': {
        const successes = state.probeSuccesses + 1;
        if (successes >= policy.halfOpenRequests) return INITIAL_CIRCUIT_STATE;
        return { kind: 'half_open', probesInFlight: Math.max(0, state.probesInFlight - 1), probeSuccesses: successes };
      }
      default:
        return assertNever(state);
    }
  },

  onFailure(state: CircuitState, policy: CircuitPolicy, now: number): CircuitState {
    switch (state.kind) {
      case 'closed': {
        const failures = state.consecutiveFailures + 1;
        return failures >= policy.failureThreshold ? CircuitMachine.open(policy, now) : { kind: 'closed', consecutiveFailures: failures };
      }
      case 'open':
        return state;
      case 'half_open':
        return CircuitMachine.open(policy, now);
      default:
        return assertNever(state);
    }
  },

  /** Opens now, whatever the state (what the circuit_break strategy does). */
  open(policy: CircuitPolicy, now: number): CircuitState {
    return { kind: 'open', openedAt: now, reopenAt: now + policy.openMs };
  },
};
