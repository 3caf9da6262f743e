import { CircuitMachine } from './circuit-breaker.js';
import { INITIAL_CIRCUIT_STATE, type CircuitPolicy, type CircuitState } from './circuit-state.js';

const policy: CircuitPolicy = { failureThreshold: 3, openMs: 60_000, halfOpenRequests: 2 };

function fail(state: CircuitState, times: number, now = 0): CircuitState {
  let s = state;
  for (let i = 0; i < times; i++) s = CircuitMachine.onFailure(s, policy, now);
  return s;
}

describe('CircuitMachine', () => {
  it('stays closed below the threshold of consecutive failures, and a success resets the count', () => {
    const two = fail(INITIAL_CIRCUIT_STATE, 2);
    expect(two).toEqual({ kind: 'closed', consecutiveFailures: 2 });
    expect(CircuitMachine.onSuccess(two, policy)).toEqual(INITIAL_CIRCUIT_STATE);
    expect(fail(CircuitMachine.onSuccess(two, policy), 2).kind).toBe('closed');
  });

  it('opens at the threshold and fails fast until the open time has passed', () => {
    const open = fail(INITIAL_CIRCUIT_STATE, 3, 1000);
    expect(open).toEqual({ kind: 'open', openedAt: 1000, reopenAt: 61_000 });
    expect(CircuitMachine.admit(open, policy, 31_000).decision).toEqual({ allow: false, retryAfterMs: 30_000 });
  });

  it('lets halfOpenRequests probes through after the open time, closing after as many successes', () => {
    const open = CircuitMachine.open(policy, 0);
    const first = CircuitMachine.admit(open, policy, 60_000);
    expect(first.decision).toEqual({ allow: true, probe: true });
    const second = CircuitMachine.admit(first.next, policy, 60_001);
    expect(second.decision).toEqual({ allow: true, probe: true });
    expect(CircuitMachine.admit(second.next, policy, 60_002).decision.allow).toBe(false);
    const oneOk = CircuitMachine.onSuccess(second.next, policy);
    expect(oneOk.kind).toBe('half_open');
    expect(CircuitMachine.onSuccess(oneOk, policy)).toEqual(INITIAL_CIRCUIT_STATE);
  });

  it('re-opens on a failed probe', () => {
    const probing = CircuitMachine.admit(CircuitMachine.open(policy, 0), policy, 60_000).next;
    expect(CircuitMachine.onFailure(probing, policy, 60_500)).toEqual({ kind: 'open', openedAt: 60_500, reopenAt: 120_500 });
  });

  it('opens at once when told to, from any state', () => {
    expect(CircuitMachine.open(policy, 5)).toEqual({ kind: 'open', openedAt: 5, reopenAt: 60_005 });
  });

  it('keeps its state JSON-serialisable', () => {
    const states = [INITIAL_CIRCUIT_STATE, CircuitMachine.open(policy, 1), { kind: 'half_open', probesInFlight: 1, probeSuccesses: 0 } as const];
    for (const s of states) expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
