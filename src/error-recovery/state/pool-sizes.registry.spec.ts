import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDataSource, fakeDiscovery, optionsWith } from '../targets/fake-data-source.spec-helper.js';
import { PoolSizesRegistry } from './pool-sizes.registry.js';

const params = { incrementPercent: 150, ceiling: 50, coolDownMs: 60_000 };

function registryOf(...dataSources: DataSource[]): PoolSizesRegistry {
  const options = optionsWith({ targets: { dataSources } });
  return new PoolSizesRegistry(options, new DataSourceTargets(fakeDiscovery(), options));
}

describe('PoolSizesRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-22T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('grows the real pool object and shrinks it back after the cool-down', () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const pool = ds.driver.master!;
    expect(pools.grow('default', pool, params)).toEqual({ from: 10, to: 15, original: 10, ceiling: 50, revertAt: Date.parse('2026-11-22T12:01:00Z') });
    expect(pool.options.max).toBe(15);
    expect(pools.list()).toEqual([
      { data_source: 'default', original_max: 10, current_max: 15, ceiling: 50, open_connections: 10, idle_connections: 0, waiting: 1, revert_at: '2026-11-22T12:01:00.000Z' },
    ]);
    jest.advanceTimersByTime(59_999);
    expect(pool.options.max).toBe(15);
    jest.advanceTimersByTime(1);
    expect(pool.options.max).toBe(10);
    expect(pools.list()[0]).toMatchObject({ original_max: 10, current_max: 10, ceiling: null, revert_at: null });
  });

  it('keeps the first original size across growths, and each growth restarts the cool-down', () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const pool = ds.driver.master!;
    pools.grow('default', pool, params);
    jest.advanceTimersByTime(30_000);
    expect(pools.grow('default', pool, params)).toMatchObject({ from: 15, to: 23, original: 10 });
    jest.advanceTimersByTime(59_999);
    expect(pool.options.max).toBe(23);
    jest.advanceTimersByTime(1);
    expect(pool.options.max).toBe(10);
  });

  it('stops at the ceiling and says so', () => {
    const ds = fakeDataSource({ max: 30 });
    const pools = registryOf(ds);
    const pool = ds.driver.master!;
    expect(pools.grow('default', pool, params)).toMatchObject({ from: 30, to: 45 });
    expect(pools.grow('default', pool, params)).toMatchObject({ from: 45, to: 50 });
    expect(pools.grow('default', pool, params)).toEqual({ skip: 'pool max 50 already at the ceiling 50' });
    expect(pool.options.max).toBe(50);
  });

  it('starts over when the DataSource got a new pool (restarted), leaving the new pool alone on revert', () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const old = ds.driver.master!;
    pools.grow('default', old, params);
    const fresh = { ...old, options: { max: 10 } };
    ds.driver.master = fresh;
    expect(pools.grow('default', fresh, params)).toMatchObject({ from: 10, to: 15, original: 10 });
    jest.advanceTimersByTime(60_000);
    expect(fresh.options.max).toBe(10);
    expect(old.options.max).toBe(15);
  });

  it('reverts by hand, and forgets its timers on shutdown', () => {
    const a = fakeDataSource({ max: 4, name: 'a' });
    const b = fakeDataSource({ max: 4, name: 'b' });
    const pools = registryOf(a, b);
    pools.grow('a', a.driver.master!, params);
    pools.grow('b', b.driver.master!, params);
    expect(pools.revert('a')).toBe(true);
    expect(pools.revert('a')).toBe(false);
    expect(a.driver.master!.options.max).toBe(4);
    pools.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
    expect(b.driver.master!.options.max).toBe(6);
  });

  it('lists only PostgreSQL DataSources that have a real pool', () => {
    const pools = registryOf(fakeDataSource({ max: 3, name: 'pg' }), fakeDataSource({ type: 'mysql', name: 'my' }), fakeDataSource({ driver: {}, name: 'lite' }));
    expect(pools.list().map((p) => p.data_source)).toEqual(['pg']);
  });
});
