import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ErrorRecoveryModuleOptions } from '../error-recovery-options.interface.js';
import { routeParameters } from '../error-recovery-options.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import { PoolSizesRegistry } from '../state/pool-sizes.registry.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDataSource, fakeDiscovery, optionsWith, poolTimeout } from '../targets/fake-data-source.spec-helper.js';
import { PoolIncreaseStrategy } from './pool-increase.strategy.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import type { StrategyParameters } from './strategy-parameters.interface.js';

function setup(options: ErrorRecoveryModuleOptions, providers: { token: unknown; instance: unknown }[] = []) {
  const resolved = optionsWith(options);
  const targets = new DataSourceTargets(fakeDiscovery(providers), resolved);
  const pools = new PoolSizesRegistry(resolved, targets);
  const strategy = new PoolIncreaseStrategy(targets, pools);
  const context = (overrides: Partial<RecoveryContext> = {}, route?: StrategyParameters): RecoveryContext => ({
    ...specContext({ classification: poolTimeout, error: new Error(poolTimeout.message), replay: async () => ({ ok: true }) }),
    parameters: routeParameters(resolved.parameters, route),
    budget: new RecoveryBudget(systemClock, 5000),
    ...overrides,
  });
  return { strategy, pools, context };
}

const oneDataSource = (ds: DataSource) => setup({ targets: { dataSources: [ds] } });

describe('PoolIncreaseStrategy', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-22T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('grows the pool of the only DataSource, replays, and serves the request', async () => {
    const ds = fakeDataSource({ max: 10 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context());
    expect(outcome).toMatchObject({ resolved: true, result: { ok: true } });
    expect(ds.driver.master!.options.max).toBe(15);
    expect(outcome.steps.map((s) => [s.success, s.skipped, s.message])).toEqual([
      [true, false, 'pool max 10 → 15 (default)'],
      [true, false, 'replay after pool growth succeeded'],
    ]);
    expect(outcome.steps[0].details).toEqual({
      dataSource: 'default',
      from: 10,
      to: 15,
      ceiling: 50,
      incrementPercent: 150,
      original: 10,
      coolDownMs: 300_000,
      revertAt: '2026-11-22T12:05:00.000Z',
    });
  });

  it('uses the route parameters (percent, ceiling, cool-down) and shrinks back after the cool-down', async () => {
    const ds = fakeDataSource({ max: 10 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context({}, { pool_increase: { incrementPercent: 300, ceiling: 25, coolDownMs: 1000 } }));
    expect(outcome.steps[0]).toMatchObject({ message: 'pool max 10 → 25 (default)', details: { from: 10, to: 25, ceiling: 25 } });
    await jest.advanceTimersByTimeAsync(1000);
    expect(ds.driver.master!.options.max).toBe(10);
  });

  it('reports the growth alone, not resolved, when the request may not be replayed', async () => {
    const ds = fakeDataSource({ max: 2 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context({ replaySafe: false }));
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps).toHaveLength(1);
    expect(outcome.steps[0]).toMatchObject({ success: true, message: 'pool max 2 → 3 (default); replay skipped: not replay-safe' });
    ds.driver.master!.totalCount = 3; // full again at its new size
    const manual = await strategy.execute(context({ replay: undefined }));
    expect(manual.steps[0].message).toBe('pool max 3 → 5 (default); replay skipped: original request not available');
  });

  it('grows once for a burst of pool timeouts from one exhaustion, and re-runs the others in the room it left', async () => {
    const ds = fakeDataSource({ max: 10 });
    const { strategy, context } = oneDataSource(ds);
    expect((await strategy.execute(context())).resolved).toBe(true);
    const burst = await Promise.all([strategy.execute(context()), strategy.execute(context())]);
    expect(burst.map((o) => [o.resolved, o.result, o.steps.map((s) => [s.success, s.skipped, s.message])])).toEqual([
      [true, { ok: true }, [[true, false, 'pool already grown to 15 (default), room for 4 more: re-ran']]],
      [true, { ok: true }, [[true, false, 'pool already grown to 15 (default), room for 4 more: re-ran']]],
    ]);
    expect(ds.driver.master!.options.max).toBe(15);
  });

  it('in a grown pool with room: reports a re-run that fails again, and one that may not run', async () => {
    const ds = fakeDataSource({ max: 10 });
    const { strategy, context } = oneDataSource(ds);
    await strategy.execute(context());
    const failed = await strategy.execute(context({ replay: async () => Promise.reject(new Error('timeout exceeded when trying to connect')) }));
    expect(failed).toMatchObject({
      resolved: false,
      steps: [{ success: false, skipped: false, message: 'pool already grown to 15 (default), room for 4 more: re-ran, failed again: timeout exceeded when trying to connect' }],
    });
    const unsafe = await strategy.execute(context({ replaySafe: false }));
    expect(unsafe).toMatchObject({ resolved: false, steps: [{ skipped: true, message: 'pool already grown to 15 (default), room for 4 more; replay skipped: not replay-safe' }] });
    expect(ds.driver.master!.options.max).toBe(15);
  });

  it('records a failed replay as a second, failed step', async () => {
    const ds = fakeDataSource({ max: 2 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context({ replay: async () => Promise.reject(new Error('timeout exceeded when trying to connect')) }));
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps.map((s) => [s.success, s.message])).toEqual([
      [true, 'pool max 2 → 3 (default)'],
      [false, 'replay after pool growth failed: timeout exceeded when trying to connect'],
    ]);
  });

  it('skips at the ceiling without touching the pool', async () => {
    const ds = fakeDataSource({ max: 50 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context());
    expect(outcome).toMatchObject({ resolved: false, steps: [{ success: false, skipped: true, message: 'pool max 50 already at the ceiling 50 (default)' }] });
    expect(ds.driver.master!.options.max).toBe(50);
  });

  it.each<[string, () => ReturnType<typeof setup>, string]>([
    ['no DataSource', () => setup({}), 'no DataSource registered'],
    ['only a MySQL one', () => setup({ targets: { dataSources: [fakeDataSource({ type: 'mysql' })] } }), 'no PostgreSQL DataSource registered'],
    [
      'several and none named',
      () => setup({}, [{ token: 'ordersDataSource', instance: fakeDataSource() }, { token: 'usersDataSource', instance: fakeDataSource() }]),
      'several DataSources registered (orders, users); name one with parameters.pool_increase.dataSource',
    ],
    ['an embedded PGlite', () => oneDataSource(fakeDataSource({ driver: { Pool: class {} } })), 'no resizable pool (embedded PGlite or another custom driver) (default)'],
    ['one not initialized', () => oneDataSource(fakeDataSource({ initialized: false })), 'DataSource is not initialized (default)'],
  ])('skips with %s', async (_, make, message) => {
    const { strategy, context } = make();
    const outcome = await strategy.execute(context());
    expect(outcome).toEqual({ resolved: false, steps: [expect.objectContaining({ success: false, skipped: true, message })] });
  });

  it('skips when the pool was not what failed (free connections, no pool timeout)', async () => {
    const ds = fakeDataSource({ max: 10, totalCount: 3, idleCount: 3 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context({ classification: { ...poolTimeout, message: 'deadlock detected' } }));
    expect(outcome.steps[0]).toMatchObject({ skipped: true, message: 'pool not exhausted (3 of 10 connections open, 3 idle) (default)' });
    expect(ds.driver.master!.options.max).toBe(10);
  });

  it('acts on the DataSource the route names', async () => {
    const orders = fakeDataSource({ max: 4 });
    const users = fakeDataSource({ max: 4 });
    const { strategy, context } = setup({}, [{ token: 'ordersDataSource', instance: orders }, { token: 'usersDataSource', instance: users }]);
    const outcome = await strategy.execute(context({}, { pool_increase: { dataSource: 'users' } }));
    expect(outcome.steps[0].message).toBe('pool max 4 → 6 (users)');
    expect([orders.driver.master!.options.max, users.driver.master!.options.max]).toEqual([4, 6]);
    const unknown = await strategy.execute(context({}, { pool_increase: { dataSource: 'nope' } }));
    expect(unknown.steps[0].message).toBe('no DataSource named "nope" (registered: orders, users)');
  });

  it('never grows a pool for a permanent error', async () => {
    const ds = fakeDataSource({ max: 10 });
    const { strategy, context } = oneDataSource(ds);
    const outcome = await strategy.execute(context({ classification: { ...poolTimeout, transient: false, message: 'syntax error' } }));
    expect(outcome.steps[0]).toMatchObject({ skipped: true, message: 'permanent error: a bigger pool cannot help' });
    expect(ds.driver.master!.options.max).toBe(10);
  });
});
