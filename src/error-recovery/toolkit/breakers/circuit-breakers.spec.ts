import 'reflect-metadata';
import { isCircuitOpenError } from '../../errors/circuit-open.error.js';
import { isUnknownCircuitBreakerError } from '../../errors/unknown-circuit-breaker.error.js';
import type { CircuitBreakers } from './circuit-breakers.service.js';
import { resolveOptions } from '../../error-recovery-options.js';
import { RecoveryEvents } from '../../events/recovery-events.js';
import { CircuitBreakerRegistry } from '../../state/circuit-breaker.registry.js';
import type { CircuitStateStore } from '../../state/circuit-state.store.js';
import { CircuitBreakers as Breakers } from './circuit-breakers.service.js';
import { breakersSetup } from './breakers.spec-helper.js';

const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const notFound = (): Error => Object.assign(new Error('no such user'), { status: 404 });

async function failTimes(breakers: CircuitBreakers, name: string, n: number, error = reset): Promise<void> {
  for (let i = 0; i < n; i++) await expect(breakers.execute(name, () => Promise.reject(error()))).rejects.toThrow();
}

describe('CircuitBreakers', () => {
  it('a name never declared is a clear error, for execute, the explicit form and getStatus', async () => {
    const { breakers } = breakersSetup();
    await expect(breakers.execute('nope', () => 1)).rejects.toThrow(/No circuit breaker named "nope".*forRoot\(\{ breakers/);
    expect(() => breakers.canExecute('nope')).toThrow(/define\('nope'/);
    expect(() => breakers.getStatus('nope')).toThrow(expect.objectContaining({ name: 'UnknownCircuitBreakerError' }));
    await breakers.execute('nope', () => 1).catch((e: unknown) => expect(isUnknownCircuitBreakerError(e)).toBe(true));
  });

  it('presets set threshold, open time and half-open calls; the rest is the module policy', () => {
    const { breakers } = breakersSetup({ circuitBreaker: { windowSeconds: 30 }, breakers: { llm: 'ai_model', db: 'database', api: { preset: 'external_api', minimumCalls: 7 } } });
    expect(breakers.getStatus('llm').policy).toMatchObject({ failureThreshold: 3, openMs: 60_000, halfOpenRequests: 2, windowMs: 30_000 });
    expect(breakers.getStatus('db').policy).toMatchObject({ failureThreshold: 3, openMs: 30_000, halfOpenRequests: 2 });
    expect(breakers.getStatus('api').policy).toMatchObject({ failureThreshold: 5, openMs: 120_000, halfOpenRequests: 3, minimumCalls: 7 });
    expect(() => breakers.define('x', 'nonsense' as never)).toThrow(/Unknown circuit breaker preset "nonsense"/);
  });

  it('opens after the threshold, then refuses without running the call; getStatus tells when it half-opens', async () => {
    const { breakers, clock } = breakersSetup({ breakers: { llm: 'ai_model' } });
    await failTimes(breakers, 'llm', 3);
    let ran = false;
    const refused = await breakers.execute('llm', () => (ran = true)).catch((e: unknown) => e);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(ran).toBe(false);
    clock.t += 20_000;
    const status = breakers.getStatus('llm');
    expect(status).toMatchObject({ state: 'open', msUntilHalfOpen: 40_000, counts: { successes: 0, failures: 3, ignored: 0, rejected: 1, opened: 1 } });
    expect(status.lastFailure).toEqual({ at: new Date(1_000_000).toISOString(), message: 'read ECONNRESET' });
  });

  it('opens on the failure rate over the window with a minimum of calls', async () => {
    const { breakers } = breakersSetup({ breakers: { api: { failureThreshold: 100, failureRateThreshold: 50, minimumCalls: 6 } } });
    // Counting starts at the first failure (a healthy breaker keeps no state).
    for (let i = 0; i < 3; i++) {
      await failTimes(breakers, 'api', 1);
      await breakers.execute('api', () => 'ok');
    }
    expect(breakers.getStatus('api')).toMatchObject({ state: 'closed', window: { calls: 6, failures: 3 } });
    await failTimes(breakers, 'api', 1);
    expect(breakers.getStatus('api').state).toBe('open');
  });

  it('an error that does not count is neutral and still rethrown; a predicate overrides the default', async () => {
    const { breakers } = breakersSetup({ breakers: { users: { failureThreshold: 2 }, strict: { failureThreshold: 2, isFailure: () => true } } });
    await failTimes(breakers, 'users', 5, notFound);
    expect(breakers.getStatus('users')).toMatchObject({ state: 'closed', counts: { ignored: 5, failures: 0 }, lastFailure: null });
    await failTimes(breakers, 'strict', 2, notFound);
    expect(breakers.getStatus('strict').state).toBe('open');
  });

  it('keeps a sync function sync and counts a sync throw', () => {
    const { breakers } = breakersSetup({ breakers: { calc: { failureThreshold: 1 } } });
    expect(breakers.guard('calc', () => 41 + 1)).toBe(42);
    expect(() => breakers.guard('calc', () => { throw reset(); })).toThrow('ECONNRESET');
    expect(() => breakers.guard('calc', () => 1)).toThrow(/Circuit breaker "calc" is open/);
  });

  it('half-open: as many probe successes as halfOpenRequests close it; a failed probe re-opens it', async () => {
    const { breakers, clock } = breakersSetup({ breakers: { llm: 'ai_model' } });
    await failTimes(breakers, 'llm', 3);
    clock.t += 60_000;
    await breakers.execute('llm', () => 'a');
    expect(breakers.getStatus('llm').state).toBe('half_open');
    await breakers.execute('llm', () => 'b');
    expect(breakers.getStatus('llm')).toMatchObject({ state: 'closed', msUntilHalfOpen: null });
    await failTimes(breakers, 'llm', 3);
    clock.t += 120_000;
    await failTimes(breakers, 'llm', 1);
    expect(breakers.getStatus('llm').state).toBe('open');
  });

  it('explicit form: canExecute hands out probes that recordSuccess/recordFailure settle, oldest first', async () => {
    const { breakers, clock } = breakersSetup({ breakers: { db: 'database' } });
    for (let i = 0; i < 3; i++) {
      expect(breakers.canExecute('db')).toBe(true);
      breakers.recordFailure('db', reset());
    }
    expect(breakers.canExecute('db')).toBe(false);
    clock.t += 30_000;
    expect(breakers.canExecute('db')).toBe(true);
    expect(breakers.canExecute('db')).toBe(true);
    // Both probe slots taken.
    expect(breakers.canExecute('db')).toBe(false);
    breakers.recordSuccess('db');
    // A report without a probe in hand decides nothing while half-open.
    breakers.recordSuccess('db');
    breakers.recordSuccess('db');
    expect(breakers.getStatus('db').state).toBe('closed');
    // recordFailure without an error always counts.
    for (let i = 0; i < 3; i++) breakers.recordFailure('db');
    expect(breakers.getStatus('db')).toMatchObject({ state: 'open', lastFailure: { message: 'failure recorded without an error' } });
  });

  it('scrubs secrets from the last failure', async () => {
    const { breakers } = breakersSetup({ breakers: { pay: {} } });
    await failTimes(breakers, 'pay', 1, () => Object.assign(new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/x'), { code: 'ECONNREFUSED' }));
    expect(breakers.getStatus('pay').lastFailure?.message).not.toContain('hunter2');
  });

  it('a declared breaker is listed (closed) before any failure, and reset answers for it', () => {
    const { breakers, registry } = breakersSetup();
    breakers.define('search', 'external_api');
    expect(registry.list().map((b) => [b.name, b.state])).toEqual([['search', 'closed']]);
    expect(registry.reset('search')).toBe(true);
    expect(registry.reset('never-declared')).toBe(false);
    expect(registry.idle).toBe(true);
  });

  it('a breaker store that is down fails open: the call runs and its own value or error comes back', async () => {
    const down = (): never => {
      throw new Error('breaker store unreachable');
    };
    const store: CircuitStateStore = { get: down, set: down, delete: down, entries: down };
    const options = resolveOptions({ breakers: { pay: {} } }, {});
    const breakers = new Breakers(new CircuitBreakerRegistry(store, options, new RecoveryEvents()), options);
    await expect(breakers.execute('pay', async () => 'paid')).resolves.toBe('paid');
    await expect(breakers.execute('pay', () => Promise.reject(reset()))).rejects.toThrow('ECONNRESET');
    expect(breakers.guard('pay', () => 42)).toBe(42);
    expect(breakers.canExecute('pay')).toBe(true);
    expect(() => breakers.recordFailure('pay', reset())).not.toThrow();
  });
});
