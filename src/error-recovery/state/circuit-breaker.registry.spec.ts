import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryEvents, type CircuitEvent } from '../events/recovery-events.js';
import type { Clock } from '../resilience/clock.js';
import { CircuitBreakerRegistry, type BreakerCall } from './circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from './circuit-state.store.js';

function setup() {
  const clock = { t: 1_000_000, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
  const events = new RecoveryEvents();
  const seen: CircuitEvent[] = [];
  for (const name of ['circuit.opened', 'circuit.half_open', 'circuit.closed'] as const) events.on(name, (e) => seen.push(e));
  const options = resolveOptions({ clock, circuitBreaker: { failureThreshold: 2, halfOpenRequests: 1 } }, {});
  return { clock, seen, registry: new CircuitBreakerRegistry(new InMemoryCircuitStateStore(), options, events) };
}

function admitted(registry: CircuitBreakerRegistry, name: string, request?: object): BreakerCall {
  const admission = registry.admit(name);
  if (!admission.allow) throw new Error('refused');
  // What the interceptor does once the request failed.
  if (request) registry.attach(request, admission.call);
  return admission.call;
}

describe('CircuitBreakerRegistry', () => {
  it('creates no state for a healthy route', () => {
    const { registry } = setup();
    registry.settle(admitted(registry, 'r'), 'success');
    registry.settle(admitted(registry, 'r'), 'neutral');
    expect(registry.list()).toEqual([]);
  });

  it('drops the state once the breaker is closed and quiet again, so healthy routes consult no breaker', () => {
    const { registry, clock } = setup();
    expect(registry.idle).toBe(true);
    registry.settle(registry.unadmitted('r'), 'failure');
    expect(registry.idle).toBe(false);
    expect(registry.hasState('r')).toBe(true);
    // A success within the window of the failure: the failure is still remembered.
    registry.settle(admitted(registry, 'r'), 'success');
    expect(registry.hasState('r')).toBe(true);
    clock.t += 60_000;
    registry.settle(admitted(registry, 'r'), 'success');
    expect(registry.hasState('r')).toBe(false);
    expect(registry.idle).toBe(true);
    expect(registry.list()).toEqual([]);
  });

  it('becomes idle again when the route that failed is never called again', () => {
    const { registry, clock } = setup();
    registry.settle(registry.unadmitted('rarely-called'), 'failure');
    expect(registry.idle).toBe(false);
    clock.t += 5_000;
    expect(registry.idle).toBe(false);
    // The failure has left the window (10 s) and no request of that route came since.
    clock.t += 60_000;
    expect(registry.idle).toBe(true);
    expect(registry.list()).toEqual([]);
  });

  it('keeps the states that still remember something when it looks for forgotten ones', () => {
    const { registry, clock } = setup();
    registry.settle(registry.unadmitted('old'), 'failure');
    registry.open('tripped');
    clock.t += 60_000;
    registry.settle(registry.unadmitted('recent'), 'failure');
    expect(registry.idle).toBe(false);
    expect(registry.list().map((b) => b.name).sort()).toEqual(['recent', 'tripped']);
  });

  it('counts a request once, whether the strategy or the interceptor settles it first', () => {
    const { registry } = setup();
    const request = {};
    const call = admitted(registry, 'r', request);
    expect(registry.recordFailure('r', request)).toMatchObject({ opened: null, state: { kind: 'closed', consecutiveFailures: 1 } });
    expect(registry.recordFailure('r', request)).toBeNull();
    expect(registry.settle(call, 'failure')).toBeNull();
    expect(registry.list()[0]).toMatchObject({ consecutive_failures: 1, counts: { failures: 1 } });
  });

  it('a failure without a request in hand (manual run) counts as one more', () => {
    const { registry, seen } = setup();
    registry.recordFailure('r');
    const second = registry.recordFailure('r');
    expect(second).toMatchObject({ from: 'closed', opened: 'threshold', state: { kind: 'open', trips: 1 } });
    expect(seen.at(-1)).toMatchObject({ to: 'open', reason: 'threshold' });
  });

  it('a released probe frees the half-open slot; a non-probe finishing while half-open decides nothing', () => {
    const { registry, clock, seen } = setup();
    const early = admitted(registry, 'r'); // let in while closed
    registry.open('r');
    clock.t += 5_000;
    const probe = admitted(registry, 'r');
    expect(probe.ticket).toBeDefined();
    expect(registry.admit('r').allow).toBe(false);
    registry.settle(early, 'success');
    expect(registry.list()[0]).toMatchObject({ state: 'half_open', probes: { in_flight: 1, succeeded: 0 } });
    registry.release(probe);
    const next = admitted(registry, 'r');
    registry.settle(next, 'success');
    expect(registry.list()[0]).toMatchObject({ state: 'closed', trips: 1 });
    expect(seen.map((e) => [e.to, e.reason])).toEqual([
      ['open', 'manual'],
      ['half_open', 'timeout_elapsed'],
      ['closed', 'probe_succeeded'],
    ]);
  });

  it('lists trips, window counts and the next open duration', () => {
    const { registry } = setup();
    registry.settle(admitted(registry, 'r'), 'failure');
    registry.settle(admitted(registry, 'r'), 'success');
    registry.settle(admitted(registry, 'r'), 'failure');
    expect(registry.list()[0]).toMatchObject({
      state: 'closed',
      consecutive_failures: 1,
      window: { seconds: 10, calls: 3, failures: 2, failure_rate_percent: 67 },
      trips: 0,
      open_duration_ms: 5_000,
      probes: null,
    });
  });

  it('toHalfOpen half-opens an open breaker at once with the reason, and leaves other states alone', () => {
    const { registry, seen } = setup();
    expect(registry.toHalfOpen('dep', 'health_check')).toBe(false);
    registry.open('dep');
    expect(registry.admit('dep').allow).toBe(false);
    expect(registry.toHalfOpen('dep', 'health_check')).toBe(true);
    expect(registry.list()[0]).toMatchObject({ name: 'dep', state: 'half_open' });
    expect(seen.at(-1)).toMatchObject({ name: 'dep', from: 'open', to: 'half_open', reason: 'health_check' });
    // The next call is a probe; its success closes the breaker (halfOpenRequests: 1).
    const probe = admitted(registry, 'dep');
    expect(probe.ticket).toBeDefined();
    registry.settle(probe, 'success');
    expect(seen.at(-1)).toMatchObject({ to: 'closed' });
    expect(registry.toHalfOpen('dep', 'health_check')).toBe(false);
  });
});

