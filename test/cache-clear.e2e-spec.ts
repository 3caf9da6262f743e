import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { INestApplication } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import request from 'supertest';
import { CacheClearHistory } from '../src/error-recovery/targets/cache-clear.history.js';
import { CacheTargets } from '../src/error-recovery/targets/cache-targets.js';
import { CacheFixtureModule, ProductCache, catalogue } from './fixtures/cache.module.js';
import { actionsOf, flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** A cached entry of the wrong shape: the handler's `price.toFixed` throws a TypeError on it. */
const poisoned = { id: 1, name: 'product 1', price: '10.01' };

describe('cache_clear', () => {
  let app: INestApplication;
  let service: string;
  let products: ProductCache;
  let cache: Cache;

  beforeAll(async () => {
    service = uniqueService('cache-clear');
    app = await startApp([CacheFixtureModule.forRoot({ service, environment: 'production', database: testDatabase() })]);
    products = app.get(ProductCache);
    cache = app.get<Cache>(CACHE_MANAGER);
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(async () => {
    products.map.clear();
    await cache.clear();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const row = async (id: string) => (await rowsOf(service)).find((r) => r.id === id);

  it('finds the app cache and the cache-manager cache', () => {
    expect(app.get(CacheTargets).list()).toEqual([
      { name: 'cache-manager', type: 'cache-manager' },
      { name: 'products', type: 'custom' },
    ]);
  });

  it('clears a poisoned entry of the app Map cache and answers 200 from the replay with fresh data', async () => {
    products.map.set('products:1', poisoned);
    products.map.set('products:2', poisoned);
    products.map.set('users:1', { keep: true });
    const loads = catalogue.loads;

    const res = await get('/products/1').expect(200);
    expect(res.body).toEqual({ id: 1, name: 'product 1', price: '10.01' });
    expect(res.headers['x-recovery']).toBe('cache_clear');
    const errorId = res.headers['x-error-id'];
    // The poisoned keys are gone, the replay refilled the one it read, the other pattern stayed.
    expect(catalogue.loads).toBe(loads + 1);
    expect([...products.map.entries()].sort()).toEqual([
      ['products:1', { id: 1, name: 'product 1', price: 10.01 }],
      ['users:1', { keep: true }],
    ]);

    await flushed(app);
    const actions = await actionsOf(errorId);
    expect(actions.map((a) => [a.strategy, a.success, a.skipped, a.message])).toEqual([
      ['cache_clear', true, false, "cleared 2 keys matching 'products:*' from products"],
      ['cache_clear', true, false, 'replay after cache clear succeeded'],
    ]);
    expect(actions[0].details).toEqual({ cache: 'products', type: 'custom', pattern: 'products:*', cacheType: 'custom', graceful: true, keysCleared: 2 });
    expect(await row(errorId)).toMatchObject({ error_type: 'TypeError', recovery_success: true, recovery_strategy: 'cache_clear' });
  });

  it('clears matching keys of the cache-manager store and answers from fresh data', async () => {
    await cache.set('catalog:7', poisoned);
    await cache.set('session:1', { keep: true });

    const res = await get('/catalog/7').expect(200);
    expect(res.body).toEqual({ id: 7, name: 'product 7', price: '10.07' });
    expect(res.headers['x-recovery']).toBe('cache_clear');
    expect(await cache.get('catalog:7')).toEqual({ id: 7, name: 'product 7', price: 10.07 });
    expect(await cache.get('session:1')).toEqual({ keep: true });

    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id']);
    expect(actions.map((a) => [a.success, a.skipped, a.message])).toEqual([
      [true, false, "cleared 1 key matching 'catalog:*' from cache-manager"],
      [true, false, 'replay after cache clear succeeded'],
    ]);
  });

  it('with the defaults clears every cache, one action each, and the history shows it', async () => {
    await cache.set('catalog:3', poisoned);
    await cache.set('session:1', { keep: false });
    products.map.set('products:9', poisoned);

    const res = await get('/everything/3').expect(200);
    expect(res.headers['x-recovery']).toBe('cache_clear');
    expect(products.map.size).toBe(0);
    expect(await cache.get('session:1')).toBeUndefined();

    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id']);
    expect(actions.map((a) => a.message)).toEqual([
      "cleared 2 keys matching '*' from cache-manager",
      "cleared 1 key matching '*' from products",
      'replay after cache clear succeeded',
    ]);
    expect(app.get(CacheClearHistory).history().slice(0, 2)).toMatchObject([
      { cache: 'products', outcome: 'cleared', keys: 1, error_id: res.headers['x-error-id'] },
      { cache: 'cache-manager', outcome: 'cleared', keys: 2 },
    ]);
  });

  it('clears but does not run a request that is not replay-safe again: the client gets the error', async () => {
    products.map.set('products:4', poisoned);
    const res = await get('/unsafe/4').expect(500);
    expect(res.body.recovery).toMatchObject({ attempted: true, success: false });
    expect(products.map.size).toBe(0);
    await flushed(app);
    const actions = await actionsOf(res.body.error.error_id);
    expect(actions.map((a) => [a.success, a.skipped, a.message])).toEqual([
      [false, true, 'cache-manager: already empty'],
      [true, false, "cleared 1 key matching '*' from products; replay skipped: not replay-safe"],
    ]);
  });
});
