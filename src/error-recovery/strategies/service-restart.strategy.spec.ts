import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { ErrorRecoveryModuleOptions } from '../error-recovery-options.interface.js';
import { routeParameters } from '../error-recovery-options.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext, transientConnection } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import { RestartHistoryRegistry } from '../state/restart-history.registry.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDataSource, fakeDiscovery, optionsWith, poolTimeout } from '../targets/fake-data-source.spec-helper.js';
import { RestartableTargetRegistry } from '../targets/restartable-target.registry.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import { ServiceRestartStrategy } from './service-restart.strategy.js';
import type { StrategyParameters } from './strategy-parameters.interface.js';
import type { Restartable } from '../common/recovery-target.interface.js';

/** A target whose restart takes `restartMs` (fake time) and whose health is switchable. */
class Worker implements Restartable {
  restarts = 0;
  healthy: boolean | Error = true;
  constructor(
    readonly name: string,
    private readonly restartMs = 10,
  ) {}
  async restart(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.restartMs));
    this.restarts++;
  }
  async healthCheck(): Promise<boolean> {
    if (this.healthy instanceof Error) throw this.healthy;
    return this.healthy;
  }
}

/** A DataSource fake recording destroy/initialize, for the built-in DataSource target. */
function restartableDataSource(): { ds: DataSource; calls: string[] } {
  const calls: string[] = [];
  const ds = Object.assign(fakeDataSource(), {
    destroy: async () => {
      calls.push('destroy');
      Object.assign(ds, { isInitialized: false });
    },
    initialize: async () => {
      calls.push('initialize');
      Object.assign(ds, { isInitialized: true });
      return ds;
    },
    query: async (sql: string) => {
      calls.push(sql);
      return [{ '?column?': 1 }];
    },
  });
  return { ds, calls };
}

function setup(options: ErrorRecoveryModuleOptions) {
  const resolved = optionsWith(options);
  const history = new RestartHistoryRegistry(resolved);
  const strategy = new ServiceRestartStrategy(new RestartableTargetRegistry(resolved), new DataSourceTargets(fakeDiscovery(), resolved), history);
  const context = (overrides: Partial<RecoveryContext> = {}, route?: StrategyParameters): RecoveryContext => ({
    ...specContext({ replay: async () => ({ ok: true }) }),
    parameters: routeParameters(resolved.parameters, route),
    budget: new RecoveryBudget(systemClock, 60_000),
    ...overrides,
  });
  return { strategy, history, context };
}

/** Runs the strategy while fake time moves on. */
async function run(strategy: ServiceRestartStrategy, ctx: RecoveryContext, advanceMs = 100) {
  const running = strategy.execute(ctx);
  await jest.advanceTimersByTimeAsync(advanceMs);
  return running;
}

describe('ServiceRestartStrategy', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-22T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('restarts the only restartable target, checks its health, replays and serves the request', async () => {
    const worker = new Worker('worker');
    const { strategy, history, context } = setup({ targets: { restartables: [worker] } });
    const outcome = await run(strategy, context());
    expect(worker.restarts).toBe(1);
    expect(outcome).toMatchObject({ resolved: true, result: { ok: true } });
    expect(outcome.steps.map((s) => [s.success, s.message])).toEqual([
      [true, 'restarted "worker" in 10 ms (health check passed)'],
      [true, 'replay after restart succeeded'],
    ]);
    expect(outcome.steps[0].details).toMatchObject({ target: 'worker', kind: 'target', joined: false, restartsInWindow: 1, maxRestarts: 3, windowMs: 600_000, timeoutMs: 30_000 });
    expect(history.list()).toEqual([expect.objectContaining({ name: 'worker', restarts_in_window: 1, last_outcome: 'succeeded' })]);
  });

  it('refuses past maxRestarts in the window, and allows again once the window moved on', async () => {
    const worker = new Worker('worker');
    const { strategy, context } = setup({ targets: { restartables: [worker] }, parameters: { service_restart: { maxRestarts: 2, windowMs: 60_000 } } });
    await run(strategy, context());
    await run(strategy, context());
    const refused = await run(strategy, context());
    expect(worker.restarts).toBe(2);
    expect(refused).toEqual({ resolved: false, steps: [expect.objectContaining({ success: false, skipped: true })] });
    expect(refused.steps[0].message).toBe('restart limit reached: 2 in window (max 2 per 60000 ms; next allowed at 2026-11-22T12:01:00.000Z)');
    await jest.advanceTimersByTimeAsync(60_000);
    expect((await run(strategy, context())).resolved).toBe(true);
    expect(worker.restarts).toBe(3);
  });

  it('reports a restart that overruns timeoutSeconds as failed, and the next request joins it instead of restarting again', async () => {
    const slow = new Worker('slow', 5000);
    const { strategy, history, context } = setup({ targets: { restartables: [slow] }, parameters: { service_restart: { timeoutSeconds: 1 } } });
    const outcome = await run(strategy, context(), 1000);
    expect(outcome).toEqual({ resolved: false, steps: [expect.objectContaining({ success: false, skipped: false })] });
    expect(outcome.steps[0].message).toBe('restart of "slow" timed out after 1000 ms (it goes on in the background); replay skipped: the restart did not succeed');
    expect(history.list()[0].last_outcome).toBe('in_progress');
    const joining = strategy.execute(context({}, { service_restart: { timeoutSeconds: 10 } }));
    await jest.advanceTimersByTimeAsync(4000);
    const joined = await joining;
    expect(joined.resolved).toBe(true);
    expect(joined.steps[0]).toMatchObject({ success: true, message: 'joined the restart in progress: restarted "slow" in 5000 ms (health check passed)', details: { joined: true } });
    expect(slow.restarts).toBe(1);
    expect(history.list()[0]).toMatchObject({ restarts_in_window: 1, last_outcome: 'succeeded' });
  });

  it.each<[string, boolean | Error, string]>([
    ['false', false, 'health check reported unhealthy'],
    ['a rejection', new Error('ping failed'), 'ping failed'],
  ])('fails (no replay) when the health check answers %s', async (_, healthy, detail) => {
    const worker = Object.assign(new Worker('worker'), { healthy });
    const { strategy, history, context } = setup({ targets: { restartables: [worker] } });
    const outcome = await run(strategy, context());
    expect(outcome.steps).toHaveLength(1);
    expect(outcome.steps[0]).toMatchObject({ success: false, message: `restarted "worker" but its health check failed: ${detail}; replay skipped: the restart did not succeed` });
    expect(history.list()[0].last_outcome).toBe('unhealthy');
  });

  it('skips the health check when told to', async () => {
    const worker = Object.assign(new Worker('worker'), { healthy: false });
    const { strategy, context } = setup({ targets: { restartables: [worker] }, parameters: { service_restart: { healthCheck: false } } });
    const outcome = await run(strategy, context());
    expect(outcome.steps[0]).toMatchObject({ success: true, message: 'restarted "worker" in 10 ms (health check skipped)' });
  });

  it('records a throwing restart as a failure, never throws', async () => {
    const broken: Restartable = { name: 'broken', restart: () => Promise.reject(new Error('cannot reconnect')) };
    const { strategy, history, context } = setup({ targets: { restartables: [broken] } });
    const outcome = await run(strategy, context());
    expect(outcome.steps[0]).toMatchObject({ success: false, skipped: false, message: 'restart of "broken" failed: cannot reconnect; replay skipped: the restart did not succeed' });
    expect(history.list()[0].last_outcome).toBe('failed');
  });

  it('restarts the failing DataSource on a DatabaseError: destroy, initialize, SELECT 1', async () => {
    const { ds, calls } = restartableDataSource();
    const { strategy, context } = setup({ targets: { dataSources: [ds], restartables: [new Worker('worker')] } });
    const outcome = await run(strategy, context({ classification: poolTimeout }));
    expect(calls).toEqual(['destroy', 'initialize', 'SELECT 1']);
    expect(outcome.resolved).toBe(true);
    expect(outcome.steps[0].details).toMatchObject({ target: 'default', kind: 'dataSource', chosenBy: 'the only DataSource, on a DatabaseError', graceful: true });
  });

  it.each<[string, ErrorRecoveryModuleOptions, StrategyParameters | undefined, string]>([
    ['nothing registered', {}, undefined, 'no DataSource or restartable target registered'],
    ['several targets', { targets: { restartables: [new Worker('a'), new Worker('b')] } }, undefined, 'several restartable targets registered (a, b); name one with parameters.service_restart.target'],
    ['an unknown name', { targets: { restartables: [new Worker('a')] } }, { service_restart: { target: 'c' } }, 'no restart target named "c" (registered: a)'],
    ['an embedded DataSource', { targets: { dataSources: [fakeDataSource({ driver: {} })] } }, { service_restart: { target: 'default' } }, 'DataSource "default" is an embedded database (PGlite or another custom driver); restarting it would close the shared in-process instance'],
    ['dropSchema', { targets: { dataSources: [fakeDataSource({ dropSchema: true })] } }, { service_restart: { dataSource: 'default' } }, 'DataSource "default" has dropSchema: true; initializing it again would erase its data'],
    ['restarts disabled', { targets: { restartables: [new Worker('a')] } }, { service_restart: { maxRestarts: 0 } }, 'restart limit reached: 0 in window (max 0 per 600000 ms; restarts disabled (maxRestarts 0))'],
  ])('skips with %s', async (_, options, route, message) => {
    const { strategy, context } = setup(options);
    const outcome = await run(strategy, context({}, route));
    expect(outcome).toEqual({ resolved: false, steps: [expect.objectContaining({ success: false, skipped: true, message })] });
  });

  it('on a database error with several DataSources, restarts none unless one is named', async () => {
    const a = restartableDataSource();
    const b = restartableDataSource();
    Object.assign(a.ds.options, { name: 'orders' });
    Object.assign(b.ds.options, { name: 'users' });
    const { strategy, context } = setup({ targets: { dataSources: [a.ds, b.ds], restartables: [new Worker('w')] } });
    const ambiguous = await run(strategy, context({ classification: poolTimeout }));
    expect(ambiguous.steps[0].message).toBe('several DataSources registered (orders, users); name one with parameters.service_restart.dataSource');
    const named = await run(strategy, context({ classification: poolTimeout }, { service_restart: { dataSource: 'users' } }));
    expect(named.resolved).toBe(true);
    expect([a.calls, b.calls]).toEqual([[], ['destroy', 'initialize', 'SELECT 1']]);
  });

  it('restarts the only own target for other errors (not the DataSource)', async () => {
    const { ds, calls } = restartableDataSource();
    const worker = new Worker('worker');
    const { strategy, context } = setup({ targets: { dataSources: [ds], restartables: [worker] } });
    const outcome = await run(strategy, context({ classification: { ...transientConnection, errorType: 'ServiceUnavailableError' } }));
    expect(outcome.resolved).toBe(true);
    expect([worker.restarts, calls]).toEqual([1, []]);
  });
});
