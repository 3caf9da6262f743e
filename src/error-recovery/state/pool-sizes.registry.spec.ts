import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { fakeDataSource, fakeDiscovery, optionsWith } from '../targets/fake-data-source.spec-helper.js';
import type { Clock } from '../resilience/clock.js';
import { PoolSizesRegistry } from './pool-sizes.registry.js';

const params = { incrementPercent: 150, ceiling: 50, coolDownMs: 60_000 };

function registryOf(...dataSources: DataSource[]): PoolSizesRegistry {
  return registryWith({}, ...dataSources);
}

function registryWith(extra: { clock?: Clock }, ...dataSources: DataSource[]): PoolSizesRegistry {
  const options = optionsWith({ ...extra, targets: { dataSources } });
  return new PoolSizesRegistry(options, new DataSourceTargets(fakeDiscovery(), options));
}

describe('PoolSizesRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-22T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('grows the real pool object and shrinks it back after the cool-down', async () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const pool = ds.driver.master!;
    expect(pools.grow('default', pool, params)).toEqual({ from: 10, to: 15, original: 10, ceiling: 50, revertAt: Date.parse('2026-11-22T12:01:00Z') });
    expect(pool.options.max).toBe(15);
    expect(pools.list()).toEqual([
      { data_source: 'default', original_max: 10, current_max: 15, ceiling: 50, open_connections: 10, idle_connections: 0, waiting: 1, revert_at: '2026-11-22T12:01:00.000Z' },
    ]);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(pool.options.max).toBe(15);
    await jest.advanceTimersByTimeAsync(1);
    expect(pool.options.max).toBe(10);
    expect(pools.list()[0]).toMatchObject({ original_max: 10, current_max: 10, ceiling: null, revert_at: null });
  });

  it('keeps the first original size across growths, and each growth restarts the cool-down', async () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const pool = ds.driver.master!;
    pools.grow('default', pool, params);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(pools.grow('default', pool, params)).toMatchObject({ from: 15, to: 23, original: 10 });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(pool.options.max).toBe(23);
    await jest.advanceTimersByTimeAsync(1);
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

  it('starts over when the DataSource got a new pool (restarted), leaving the new pool alone on revert', async () => {
    const ds = fakeDataSource({ max: 10 });
    const pools = registryOf(ds);
    const old = ds.driver.master!;
    pools.grow('default', old, params);
    const fresh = { ...old, options: { max: 10 } };
    ds.driver.master = fresh;
    expect(pools.grow('default', fresh, params)).toMatchObject({ from: 10, to: 15, original: 10 });
    await jest.advanceTimersByTimeAsync(60_000);
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

  describe('on an injected clock (real timers)', () => {
    beforeEach(() => jest.useRealTimers());

    /** A clock that moves only when told, waking the sleeps it passes. */
    function manualClock(start: number): Clock & { advance(ms: number): Promise<void>; sleepers(): number } {
      let t = start;
      const waits = new Set<{ at: number; wake: () => void }>();
      return {
        now: () => t,
        sleep: (ms, signal) =>
          new Promise<void>((resolve, reject) => {
            const wait = { at: t + ms, wake: resolve };
            waits.add(wait);
            const onAbort = (): void => {
              waits.delete(wait);
              reject(signal?.reason);
            };
            signal?.addEventListener('abort', onAbort, { once: true });
          }),
        async advance(ms) {
          t += ms;
          for (const wait of [...waits]) {
            if (wait.at > t) continue;
            waits.delete(wait);
            wait.wake();
          }
          for (let i = 0; i < 5; i++) await Promise.resolve();
        },
        sleepers: () => waits.size,
      };
    }

    it('shrinks back when the module clock reaches revert_at, not on real time', async () => {
      const clock = manualClock(Date.parse('2030-01-01T00:00:00Z'));
      const ds = fakeDataSource({ max: 10 });
      const pools = registryWith({ clock }, ds);
      const pool = ds.driver.master!;
      expect(pools.grow('default', pool, params)).toMatchObject({ to: 15, revertAt: Date.parse('2030-01-01T00:01:00Z') });
      await clock.advance(59_999);
      expect(pool.options.max).toBe(15);
      await clock.advance(1);
      expect(pool.options.max).toBe(10);
      expect(pools.list()[0]).toMatchObject({ current_max: 10, revert_at: null });
    });

    it('cancels the wait on re-growth and on shutdown', async () => {
      const clock = manualClock(0);
      const ds = fakeDataSource({ max: 10 });
      const pools = registryWith({ clock }, ds);
      const pool = ds.driver.master!;
      pools.grow('default', pool, params);
      await clock.advance(30_000);
      pools.grow('default', pool, params);
      await clock.advance(0);
      expect(clock.sleepers()).toBe(1);
      await clock.advance(30_000);
      expect(pool.options.max).toBe(23); // the first growth's revert_at passed; the second's did not
      pools.onModuleDestroy();
      await clock.advance(0);
      expect(clock.sleepers()).toBe(0);
      await clock.advance(60_000);
      expect(pool.options.max).toBe(23);
    });

    it('with a clock whose sleep passes no time: neither reverts at once nor spins, and a read past revert_at reverts', async () => {
      let t = 0;
      const instant: Clock = { now: () => t, sleep: async () => undefined };
      const ds = fakeDataSource({ max: 10 });
      const pools = registryWith({ clock: instant }, ds);
      const pool = ds.driver.master!;
      pools.grow('default', pool, params);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      expect(pool.options.max).toBe(15);
      t += 60_000;
      expect(pools.isGrown('default', pool)).toBe(false);
      expect(pool.options.max).toBe(10);
    });
  });
});
