import { DataSource } from 'typeorm';
import { resolveOptions } from '../error-recovery-options.js';
import type { ErrorRecoveryModuleOptions } from '../error-recovery-options.interface.js';
import { isDuplicateHealthCheckError } from '../errors/duplicate-health-check.error.js';
import { RecoveryEvents, type CircuitEvent } from '../events/recovery-events.js';
import type { ErrorLogStore } from '../persistence/error-log-store.interface.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from '../state/circuit-state.store.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDataSource, fakeDiscovery } from '../targets/fake-data-source.spec-helper.js';
import { HealthCheckRegistry } from './health-check.registry.js';
import { HealthService } from './health.service.js';
import { ManualClock, flush } from './manual-clock.spec-helper.js';

/** A DataSource whose `SELECT 1` works while `up`; counts its queries. */
function pingable(initialized = true) {
  const ds = Object.assign(fakeDataSource({ initialized }), { up: true, queries: 0 });
  (ds as unknown as { query: () => Promise<unknown> }).query = () => {
    ds.queries++;
    return ds.up ? Promise.resolve([{ '?column?': 1 }]) : Promise.reject(new Error('connection terminated'));
  };
  return ds;
}

function setup(options: ErrorRecoveryModuleOptions = {}, appDataSources: DataSource[] = []) {
  const clock = new ManualClock();
  const resolved = resolveOptions({ clock, circuitBreaker: { halfOpenRequests: 1 }, ...options }, {});
  const events = new RecoveryEvents();
  const seen: CircuitEvent[] = [];
  events.on('circuit.half_open', (e) => seen.push(e));
  const breakers = new CircuitBreakerRegistry(new InMemoryCircuitStateStore(), resolved, events);
  const store = pingable();
  const targets = new DataSourceTargets(fakeDiscovery(appDataSources.map((instance, i) => ({ token: i === 0 ? DataSource : `replica${i}DataSource`, instance }))), resolved);
  const registry = new HealthCheckRegistry(resolved, store, {} as ErrorLogStore, targets);
  return { clock, breakers, store, seen, health: new HealthService(resolved, registry, breakers) };
}

describe('HealthService', () => {
  it('checks the store (critical) and each app DataSource with SELECT 1', async () => {
    const app = pingable();
    const { health, store } = setup({}, [app, pingable()]);
    const report = await health.check();
    expect(report.status).toBe('healthy');
    expect(Object.keys(report.services)).toEqual(['error_store', 'database', 'database:replica1']);
    expect(report.services.error_store).toMatchObject({ status: 'healthy', critical: true });
    expect([store.queries, app.queries]).toEqual([1, 1]);
    app.up = false;
    expect((await health.check(0)).services.database).toMatchObject({ status: 'error', error: 'connection terminated' });
    store.up = false;
    expect((await health.check(0)).status).toBe('error');
  });

  it('a store not connected yet is an error that says so; app DataSources can be left out', async () => {
    const { health, store } = setup({ health: { dataSources: false } }, [pingable()]);
    (store as unknown as { isInitialized: boolean }).isInitialized = false;
    const report = await health.check();
    expect(Object.keys(report.services)).toEqual(['error_store']);
    expect(report.services.error_store.error).toMatch(/not connected yet/);
  });

  it('answers the last report while it is fresher than maxAgeMs, and shares one run between callers', async () => {
    const { health, store, clock } = setup({ health: { maxAgeMs: 5000 } });
    const [a, b] = await Promise.all([health.check(), health.check()]);
    expect(a).toBe(b);
    expect(store.queries).toBe(1);
    await clock.advance(4999);
    expect(await health.check()).toBe(a);
    await clock.advance(1);
    await health.check();
    expect(store.queries).toBe(2);
  });

  it('a non-critical registered check failing degrades; a critical one is an error; duplicates are refused', async () => {
    const { health } = setup();
    let up = true;
    health.register('payments', () => { if (!up) throw new Error('503 from payments'); });
    health.register('queue', () => undefined, { critical: true });
    expect(() => health.register('payments', () => undefined)).toThrow(expect.objectContaining({ message: expect.stringContaining('"payments" is already registered') }));
    const thrown = ((): unknown => {
      try {
        health.register('error_store', () => undefined);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(isDuplicateHealthCheckError(thrown)).toBe(true);
    up = false;
    expect((await health.check(0)).status).toBe('degraded');
    expect(health.unregister('queue')).toBe(true);
    health.register('queue', () => Promise.reject(new Error('gone')), { critical: true });
    const report = await health.check(0);
    expect(report.status).toBe('error');
    expect(report.services.queue).toMatchObject({ status: 'error', error: 'gone', critical: true });
  });

  it('health-driven recovery: a passing check half-opens its open breaker at once; a failing one leaves it open', async () => {
    const { health, breakers, seen } = setup();
    let up = false;
    health.register('payments', () => { if (!up) throw new Error('down'); }, { breaker: 'payments-api' });
    breakers.open('payments-api');
    let report = await health.check(0);
    expect(report.circuit_breakers['payments-api'].state).toBe('open');
    expect(report.status).toBe('degraded');
    up = true;
    report = await health.check(0);
    expect(report.circuit_breakers['payments-api'].state).toBe('half_open');
    expect(report.services.payments).toMatchObject({ status: 'degraded', breaker: 'payments-api' });
    expect(seen).toEqual([expect.objectContaining({ name: 'payments-api', from: 'open', to: 'half_open', reason: 'health_check' })]);
    // The next call is a probe (before the open timeout) and its success closes the breaker.
    const admission = breakers.admit('payments-api');
    expect(admission.allow).toBe(true);
    if (admission.allow) breakers.settle(admission.call, 'success');
    expect((await health.check(0)).status).toBe('healthy');
  });

  it('sources are read at every run (the Redis hook); a source that throws keeps the last report', async () => {
    const { health } = setup();
    let broken = false;
    health.addSource({
      checks: () => {
        if (broken) throw new Error('source bug');
        return [{ name: 'redis', check: () => 'PONG' }];
      },
    });
    const first = await health.check(0);
    expect(first.services.redis.status).toBe('healthy');
    broken = true;
    expect(await health.check(0)).toBe(first);
  });

  it('a breaker store that is down: the checks are still reported (breakers left out), never a rejection', async () => {
    const { health, breakers } = setup();
    health.register('payments', () => 'ok', { breaker: 'payments-api' });
    const fail = (): never => {
      throw new Error('breaker store unreachable');
    };
    for (const method of ['list', 'toHalfOpen'] as const) (breakers as unknown as Record<string, unknown>)[method] = fail;
    const report = await health.check(0);
    expect(report).toMatchObject({ status: 'healthy', services: { payments: { status: 'healthy' }, error_store: { status: 'healthy' } }, circuit_breakers: {} });
  });

  it('runs on the interval on the clock and stops at shutdown', async () => {
    const { health, store, clock } = setup({ health: { intervalMs: 30_000 } });
    health.onApplicationBootstrap();
    await flush();
    expect(store.queries).toBe(0);
    await clock.advance(30_000);
    expect(store.queries).toBe(1);
    expect(health.lastReport()?.status).toBe('healthy');
    await clock.advance(30_000);
    expect(store.queries).toBe(2);
    health.onApplicationShutdown();
    await flush();
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(store.queries).toBe(2);
  });

  it('a clock whose sleep returns at once without moving time stops the interval instead of spinning', async () => {
    const s = setup({ health: { intervalMs: 30_000 } });
    let sleeps = 0;
    s.clock.sleep = () => {
      sleeps++;
      return Promise.resolve();
    };
    s.health.onApplicationBootstrap();
    await flush();
    expect(sleeps).toBe(1);
    expect(s.store.queries).toBe(0);
  });

  it('no interval when intervalMs is 0 or health is false', async () => {
    for (const health of [{ intervalMs: 0 }, false] as const) {
      const s = setup({ health });
      s.health.onApplicationBootstrap();
      await flush();
      expect(s.clock.pending).toBe(0);
    }
  });
});
