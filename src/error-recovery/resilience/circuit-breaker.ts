import { CircuitOpeningPolicy, type OpeningReason } from './circuit-opening.policy.js';
import { type CircuitDecision, type CircuitOutcome, type CircuitPolicy, type CircuitProbe, type CircuitState } from './circuit-state.js';

/** A state change, for events (alerts and metrics subscribe to these). */
export interface CircuitTransition {
  from: CircuitState['kind'];
  to: CircuitState['kind'];
  state: CircuitState;
}

/** The state after an outcome, and why it opened when it did. */
export interface CircuitStep {
  next: CircuitState;
  /** Set when this outcome opened the breaker. */
  opened: OpeningReason | 'probe_failed' | null;
}

type HalfOpen = CircuitState & { kind: 'half_open' };

/** Retry-After told to requests refused while the probes run, ms. */
const HALF_OPEN_RETRY_AFTER_MS = 1000;

function assertNever(state: never): never {
  throw new Error(`unknown circuit state ${JSON.stringify(state)}`);
}

/**
 * The breaker's state machine, as pure functions of (state, policy, now). CLOSED records outcomes
 * and opens when `CircuitOpeningPolicy` says so; OPEN fails fast until `reopenAt`, then lets exactly
 * `halfOpenRequests` probes through (HALF_OPEN). Only the probes' outcomes decide: as many successes
 * close it, a failed probe re-opens it for longer. Outcomes of other requests (admitted before it
 * opened) change nothing while it is open or half-open.
 */
export const CircuitMachine = {
  /** Whether a request may go through now, and the state after letting it (probes get a ticket). */
  admit(state: CircuitState, policy: CircuitPolicy, now: number): { decision: CircuitDecision; next: CircuitState } {
    switch (state.kind) {
      case 'closed':
        return { decision: { allow: true, probe: false }, next: state };
      case 'open':
        if (now < state.reopenAt) return { decision: { allow: false, retryAfterMs: state.reopenAt - now }, next: state };
        return CircuitMachine.admitProbe(CircuitMachine.toHalfOpen(state), policy, now);
      case 'half_open':
        return CircuitMachine.admitProbe(state, policy, now);
      default:
        return assertNever(state);
    }
  },

  /** Lets a probe through when a slot is free; probes overdue by `probeTimeoutMs` free theirs first. */
  admitProbe(state: HalfOpen, policy: CircuitPolicy, now: number): { decision: CircuitDecision; next: CircuitState } {
    const live = state.probes.filter((p) => now - p.admittedAt < policy.probeTimeoutMs);
    const current: HalfOpen = live.length === state.probes.length ? state : { ...state, probes: live };
    if (live.length + current.probeSuccesses >= policy.halfOpenRequests) {
      // Probes usually answer within a second; the probe bound is only the worst case.
      const oldest = live.reduce((min, p) => Math.min(min, p.admittedAt), now);
      return { decision: { allow: false, retryAfterMs: Math.max(1, Math.min(HALF_OPEN_RETRY_AFTER_MS, oldest + policy.probeTimeoutMs - now)) }, next: current };
    }
    const probe: CircuitProbe = { ticket: `${state.openedAt}#${current.admitted + 1}`, admittedAt: now };
    return {
      decision: { allow: true, probe: true, ticket: probe.ticket },
      next: { ...current, probes: [...live, probe], admitted: current.admitted + 1 },
    };
  },

  /**
   * Records how a request ended. `ticket` is the probe ticket from `admit` (undefined for a
   * request that is not a probe). A neutral outcome (e.g. the route's own timeout) only frees a probe slot.
   */
  record(state: CircuitState, policy: CircuitPolicy, now: number, outcome: CircuitOutcome, ticket?: string): CircuitStep {
    switch (state.kind) {
      case 'closed':
        return recordClosed(state, policy, now, outcome);
      case 'open':
        return { next: state, opened: null };
      case 'half_open': {
        if (ticket === undefined || !state.probes.some((p) => p.ticket === ticket)) return { next: state, opened: null };
        const probes = state.probes.filter((p) => p.ticket !== ticket);
        if (outcome === 'failure') return { next: CircuitMachine.open(policy, now, state.trips), opened: 'probe_failed' };
        if (outcome === 'neutral') return { next: { ...state, probes }, opened: null };
        const successes = state.probeSuccesses + 1;
        if (successes >= policy.halfOpenRequests) return { next: { kind: 'closed', consecutiveFailures: 0, buckets: [], trips: state.trips, closedAt: now }, opened: null };
        return { next: { ...state, probes, probeSuccesses: successes }, opened: null };
      }
      default:
        return assertNever(state);
    }
  },

  /**
   * An open breaker half-open now, with no probe yet: when its timeout elapses, or at once when a
   * health check of its dependency passed (the dependency is back; the probes confirm it).
   */
  toHalfOpen(state: CircuitState & { kind: 'open' }): HalfOpen {
    return { kind: 'half_open', openedAt: state.openedAt, trips: state.trips, probes: [], probeSuccesses: 0, admitted: 0 };
  },

  /** A probe that never ran its handler (refused after admission, client gone) gives its slot back. */
  release(state: CircuitState, ticket: string): CircuitState {
    if (state.kind !== 'half_open' || !state.probes.some((p) => p.ticket === ticket)) return state;
    return { ...state, probes: state.probes.filter((p) => p.ticket !== ticket) };
  },

  /** Opens now as trip number `previousTrips + 1`, for base × trips (capped). */
  open(policy: CircuitPolicy, now: number, previousTrips: number): CircuitState & { kind: 'open' } {
    const trips = previousTrips + 1;
    return { kind: 'open', openedAt: now, reopenAt: now + CircuitOpeningPolicy.openDurationMs(trips, policy), trips };
  },

  /** Trips a state remembers at `now` (a closed breaker forgives them over time). */
  trips(state: CircuitState, policy: CircuitPolicy, now: number): number {
    return state.kind === 'closed' ? CircuitOpeningPolicy.tripsRemembered(state.trips, state.closedAt, policy, now) : state.trips;
  },
};

function recordClosed(state: CircuitState & { kind: 'closed' }, policy: CircuitPolicy, now: number, outcome: CircuitOutcome): CircuitStep {
  if (outcome === 'neutral') return { next: state, opened: null };
  const failed = outcome === 'failure';
  const buckets = CircuitOpeningPolicy.record(state.buckets, policy, now, failed);
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
  const reason = failed ? CircuitOpeningPolicy.shouldOpen(consecutiveFailures, CircuitOpeningPolicy.counts(buckets, policy, now), policy) : null;
  if (reason) return { next: CircuitMachine.open(policy, now, CircuitMachine.trips(state, policy, now)), opened: reason };
  return { next: { ...state, consecutiveFailures, buckets }, opened: null };
}
