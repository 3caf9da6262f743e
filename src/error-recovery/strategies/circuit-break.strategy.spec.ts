import { breakerOutcome } from '../capture/breaker-outcome.js';
import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext, transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import type { Clock } from '../resilience/clock.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from '../state/circuit-state.store.js';
import { CircuitBreakStrategy } from './circuit-break.strategy.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';

const route = { key: 'GET /orders', method: 'GET', pattern: '/orders' };

function setup() {
  const clock = { t: 1_000_000, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
  const options = resolveOptions({ clock, circuitBreaker: { failureThreshold: 2 } }, {});
  const registry = new CircuitBreakerRegistry(new InMemoryCircuitStateStore(), options, new RecoveryEvents());
  const strategy = new CircuitBreakStrategy(registry);
  /** A request the breaker admitted and that failed: what the interceptor holds while recovery runs. */
  const failedRequest = () => {
    const raw = {};
    const admission = registry.admit(route.key);
    if (!admission.allow) throw new Error('refused');
    registry.attach(raw, admission.call);
    return { raw, call: admission.call };
  };
  const context = (raw: object | undefined, laterSteps?: string[]): RecoveryContext => ({
    ...specContext({ clock, route, laterSteps, request: raw && { raw, method: 'GET', url: '/orders', headers: {}, body: undefined } }),
    budget: new RecoveryBudget(clock, 5000),
  });
  /** What the interceptor does once recovery is over. */
  const settle = (call: ReturnType<typeof failedRequest>['call'], resolvedBy: string | null) =>
    registry.settle(call, breakerOutcome(new Error('read ECONNRESET'), { classification: transientConnection, report: { success: resolvedBy !== null, resolvedBy } }));
  const view = () => registry.list().find((b) => b.name === route.key);
  const failures = () => view()?.counts.failures ?? 0;
  return { strategy, context, failedRequest, settle, failures, view };
}

describe('CircuitBreakStrategy', () => {
  it('leaves the count to the interceptor while a later step may still serve: a request service_restart served is a success', async () => {
    const { strategy, context, failedRequest, settle, failures } = setup();
    for (let i = 0; i < 3; i++) {
      const { raw, call } = failedRequest();
      const outcome = await strategy.execute(context(raw, ['service_restart']));
      expect(outcome.steps[0]).toMatchObject({
        success: false,
        skipped: true,
        message: 'not counted yet: service_restart may still serve this request; it counts against breaker "GET /orders" once recovery is over',
      });
      settle(call, 'service_restart');
    }
    expect(failures()).toBe(0);
  });

  it('a request the later step did not serve is counted once, by the interceptor, and opens the breaker by the rule', async () => {
    const { strategy, context, failedRequest, settle, failures, view } = setup();
    for (let i = 0; i < 2; i++) {
      const { raw, call } = failedRequest();
      await strategy.execute(context(raw, ['service_restart']));
      settle(call, i === 0 ? null : 'fallback');
      expect(settle(call, null)).toBeNull();
    }
    expect(failures()).toBe(2);
    expect(view()).toMatchObject({ state: 'open' });
  });

  it('counts at once when only a fallback (or nothing) comes after it, reporting the opening', async () => {
    const { strategy, context, failedRequest, settle, failures } = setup();
    const first = failedRequest();
    expect((await strategy.execute(context(first.raw, ['fallback']))).steps[0]).toMatchObject({ skipped: true, message: expect.stringMatching(/^failure 1 of 2 counted/) });
    settle(first.call, 'fallback');
    const second = failedRequest();
    expect((await strategy.execute(context(second.raw))).steps[0]).toMatchObject({ success: true, message: expect.stringMatching(/^breaker "GET \/orders" opened/) });
    settle(second.call, null);
    expect(failures()).toBe(2);
  });

  it('counts at once on a manual run (no request in flight), whatever comes after it', async () => {
    const { strategy, context, failures } = setup();
    expect((await strategy.execute(context(undefined, ['service_restart']))).steps[0]).toMatchObject({ message: expect.stringMatching(/^failure 1 of 2 counted/) });
    expect(failures()).toBe(1);
  });
});
