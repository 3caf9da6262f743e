import { CircuitMachine } from './circuit-breaker.js';
import { INITIAL_CIRCUIT_STATE, type CircuitDecision, type CircuitOutcome, type CircuitPolicy, type CircuitState } from './circuit-state.js';

const policy: CircuitPolicy = {
  failureThreshold: 3,
  failureRateThreshold: 50,
  minimumCalls: 10,
  windowMs: 10_000,
  openMs: 5_000,
  maxOpenMs: 20_000,
  halfOpenRequests: 2,
  probeTimeoutMs: 30_000,
};

function record(state: CircuitState, outcome: CircuitOutcome, now = 0, ticket?: string): CircuitState {
  return CircuitMachine.record(state, policy, now, outcome, ticket).next;
}
function fail(state: CircuitState, times: number, now = 0): CircuitState {
  let s = state;
  for (let i = 0; i < times; i++) s = record(s, 'failure', now);
  return s;
}
function ticketOf(decision: CircuitDecision): string {
  if (!decision.allow || !decision.probe) throw new Error(`not a probe: ${JSON.stringify(decision)}`);
  return decision.ticket;
}
/** Opens the breaker at `now` after `trips` earlier trips. */
const openAt = (now: number, trips = 0): CircuitState => CircuitMachine.open(policy, now, trips);

describe('CircuitMachine', () => {
  it('stays closed below the threshold of consecutive failures, and a success resets the count', () => {
    const two = fail(INITIAL_CIRCUIT_STATE, 2);
    expect(two).toMatchObject({ kind: 'closed', consecutiveFailures: 2 });
    const reset = record(two, 'success');
    expect(reset).toMatchObject({ kind: 'closed', consecutiveFailures: 0 });
    expect(fail(reset, 2).kind).toBe('closed');
  });

  it('opens at the consecutive threshold and fails fast until the open time has passed', () => {
    const step = CircuitMachine.record(fail(INITIAL_CIRCUIT_STATE, 2, 1000), policy, 1000, 'failure');
    expect(step).toEqual({ next: { kind: 'open', openedAt: 1000, reopenAt: 6000, trips: 1 }, opened: 'threshold' });
    expect(CircuitMachine.admit(step.next, policy, 3000).decision).toEqual({ allow: false, retryAfterMs: 3000 });
  });

  it('opens on the failure rate once the window holds minimumCalls, never before', () => {
    let s: CircuitState = INITIAL_CIRCUIT_STATE;
    // fail, fail, ok, … : never 3 in a row, 2 of 3 failing
    for (let i = 0; i < 9; i++) s = record(s, i % 3 === 2 ? 'success' : 'failure', i * 100);
    expect(s.kind).toBe('closed'); // 9 calls < minimumCalls
    const step = CircuitMachine.record(s, policy, 900, 'failure');
    expect(step.opened).toBe('failure_rate');
    expect(step.next.kind).toBe('open');
  });

  it('a 30 % failure rate with no long run of failures stays closed', () => {
    let s: CircuitState = INITIAL_CIRCUIT_STATE;
    for (let i = 0; i < 200; i++) s = record(s, [0, 4, 7].includes(i % 10) ? 'failure' : 'success', i * 50);
    expect(s.kind).toBe('closed');
  });

  it('neutral outcomes (the route timeout) neither count nor reset', () => {
    const two = fail(INITIAL_CIRCUIT_STATE, 2);
    expect(record(two, 'neutral')).toBe(two);
    expect(record(record(two, 'neutral'), 'failure').kind).toBe('open');
  });

  it('open duration grows with consecutive trips (base × trips) and is capped', () => {
    let s = openAt(0);
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (s.kind !== 'open') throw new Error('expected open');
      durations.push(s.reopenAt - s.openedAt);
      const now = s.reopenAt;
      const probe = CircuitMachine.admit(s, policy, now);
      s = record(probe.next, 'failure', now, ticketOf(probe.decision));
    }
    expect(durations).toEqual([5_000, 10_000, 15_000, 20_000, 20_000, 20_000]);
  });

  it('remembers trips after closing, and forgives one per maxOpenMs closed', () => {
    let s = openAt(0, 2); // third trip: 15 s
    const a = CircuitMachine.admit(s, policy, 15_000);
    s = record(a.next, 'success', 15_000, ticketOf(a.decision));
    const b = CircuitMachine.admit(s, policy, 15_001);
    s = record(b.next, 'success', 15_001, ticketOf(b.decision));
    expect(s).toMatchObject({ kind: 'closed', trips: 3, closedAt: 15_001 });
    // re-opens soon after: the 4th trip, capped at 20 s
    expect(fail(s, 3, 16_000)).toMatchObject({ kind: 'open', trips: 4, reopenAt: 36_000 });
    // after 2 × maxOpenMs closed, one trip is left: this is the 2nd, 10 s
    expect(fail(s, 3, 15_001 + 40_000)).toMatchObject({ kind: 'open', trips: 2, reopenAt: 55_001 + 10_000 });
    expect(CircuitMachine.trips(s, policy, 15_001 + 60_000)).toBe(0);
  });

  it('lets exactly halfOpenRequests probes through; as many successes close it', () => {
    const open = openAt(0);
    const first = CircuitMachine.admit(open, policy, 5_000);
    const second = CircuitMachine.admit(first.next, policy, 5_001);
    expect(first.decision).toEqual({ allow: true, probe: true, ticket: '0#1' });
    expect(second.decision).toEqual({ allow: true, probe: true, ticket: '0#2' });
    const third = CircuitMachine.admit(second.next, policy, 5_002);
    expect(third.decision.allow).toBe(false);
    const oneOk = record(second.next, 'success', 5_010, '0#1');
    expect(oneOk.kind).toBe('half_open');
    // a success frees no slot: the next admission is still refused
    expect(CircuitMachine.admit(oneOk, policy, 5_011).decision.allow).toBe(false);
    expect(record(oneOk, 'success', 5_020, '0#2')).toMatchObject({ kind: 'closed', trips: 1 });
  });

  it('ignores outcomes of requests that are not probes while half-open or open', () => {
    const probing = CircuitMachine.admit(openAt(0), policy, 5_000).next;
    expect(record(probing, 'success', 5_001)).toBe(probing);
    expect(record(probing, 'failure', 5_001)).toBe(probing);
    expect(record(probing, 'failure', 5_001, 'unknown#1')).toBe(probing);
    const open = openAt(0);
    expect(record(open, 'failure', 1)).toBe(open);
    expect(record(open, 'success', 1)).toBe(open);
  });

  it('a probe of an earlier half-open phase does not decide the current one', () => {
    const first = CircuitMachine.admit(openAt(0), policy, 5_000);
    const second = CircuitMachine.admit(first.next, policy, 5_001);
    const stale = ticketOf(second.decision);
    const reopened = record(second.next, 'failure', 5_100, ticketOf(first.decision));
    expect(reopened.kind).toBe('open');
    const again = CircuitMachine.admit(reopened, policy, 20_000).next;
    expect(record(again, 'success', 20_001, stale)).toBe(again);
  });

  it('re-opens on a failed probe', () => {
    const probe = CircuitMachine.admit(openAt(0), policy, 5_000);
    expect(record(probe.next, 'failure', 5_500, ticketOf(probe.decision))).toEqual({ kind: 'open', openedAt: 5_500, reopenAt: 15_500, trips: 2 });
  });

  it('a released probe (its handler never ran) gives its slot back', () => {
    const one: CircuitPolicy = { ...policy, halfOpenRequests: 1 };
    const probe = CircuitMachine.admit(openAt(0), one, 5_000);
    expect(CircuitMachine.admit(probe.next, one, 5_001).decision.allow).toBe(false);
    const released = CircuitMachine.release(probe.next, ticketOf(probe.decision));
    expect(released).toMatchObject({ kind: 'half_open', probes: [] });
    expect(CircuitMachine.admit(released, one, 5_002).decision).toMatchObject({ allow: true, probe: true });
  });

  it('a neutral probe (route timeout) gives its slot back without deciding', () => {
    const one: CircuitPolicy = { ...policy, halfOpenRequests: 1 };
    const probe = CircuitMachine.admit(openAt(0), one, 5_000);
    const after = CircuitMachine.record(probe.next, one, 5_100, 'neutral', ticketOf(probe.decision)).next;
    expect(after).toMatchObject({ kind: 'half_open', probes: [], probeSuccesses: 0 });
  });

  it('a probe that does not finish within probeTimeoutMs frees its slot; its late outcome is ignored', () => {
    const one: CircuitPolicy = { ...policy, halfOpenRequests: 1 };
    const probe = CircuitMachine.admit(openAt(0), one, 5_000);
    const refused = CircuitMachine.admit(probe.next, one, 20_000).decision;
    expect(refused).toEqual({ allow: false, retryAfterMs: 1_000 });
    expect(CircuitMachine.admit(probe.next, one, 34_500).decision).toEqual({ allow: false, retryAfterMs: 500 });
    const next = CircuitMachine.admit(probe.next, one, 35_000);
    expect(next.decision).toMatchObject({ allow: true, probe: true, ticket: '0#2' });
    expect(CircuitMachine.record(next.next, one, 35_001, 'failure', ticketOf(probe.decision)).next).toBe(next.next);
  });

  it('keeps its state JSON-serialisable', () => {
    const half = CircuitMachine.admit(openAt(1), policy, 10_000).next;
    const states = [INITIAL_CIRCUIT_STATE, fail(INITIAL_CIRCUIT_STATE, 2, 3), openAt(1), half];
    for (const s of states) expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('toHalfOpen lets the probes through before reopenAt, keeping the trips', () => {
    const open = CircuitMachine.open(policy, 0, 1);
    const half = CircuitMachine.toHalfOpen(open);
    expect(half).toMatchObject({ kind: 'half_open', trips: 2, probes: [], probeSuccesses: 0 });
    // Still long before reopenAt: the open breaker refuses, the half-open one admits a probe.
    expect(CircuitMachine.admit(open, policy, 1).decision.allow).toBe(false);
    expect(CircuitMachine.admit(half, policy, 1).decision).toMatchObject({ allow: true, probe: true });
  });
});
