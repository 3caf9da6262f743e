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
      ['cache_clear', true, false, "cleared 2 keys matching 'products:*' from products (cached products:1 has no numeric price)"],
      ['cache_clear', true, false, 'replay after cache clear succeeded'],
    ]);
    expect(actions[0].details).toEqual({
      cache: 'products', type: 'custom', pattern: 'products:*', cacheType: 'custom', graceful: true, keysCleared: 2, evidence: 'cached products:1 has no numeric price',
    });
    expect(await row(errorId)).toMatchObject({ error_type: 'StaleCacheError', recovery_success: true, recovery_strategy: 'cache_clear' });
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
      [true, false, "cleared 1 key matching 'catalog:*' from cache-manager (cached catalog:7 has no numeric price)"],
      [true, false, 'replay after cache clear succeeded'],
    ]);
  });

  it('with the defaults clears only the keys the stale error names, in every cache that has them', async () => {
    await cache.set('catalog:3', poisoned);
    await cache.set('session:1', { keep: true });
    products.map.set('products:9', { keep: true });

    const res = await get('/everything/3').expect(200);
    expect(res.headers['x-recovery']).toBe('cache_clear');
    expect(products.map.get('products:9')).toEqual({ keep: true });
    expect(await cache.get('session:1')).toEqual({ keep: true });

    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id']);
    expect(actions.map((a) => a.message)).toEqual([
      "cleared key 'catalog:3' from cache-manager (cached catalog:3 has no numeric price)",
      "products: no key 'catalog:3'",
      'replay after cache clear succeeded',
    ]);
    expect(app.get(CacheClearHistory).history().slice(0, 2)).toMatchObject([
      { cache: 'products', outcome: 'skipped', keys: null, error_id: res.headers['x-error-id'] },
      { cache: 'cache-manager', outcome: 'cleared', keys: 1, pattern: 'catalog:3' },
    ]);
  });

  it('with no route settings at all, a StaleCacheError is recovered by cache_clear (product map)', async () => {
    await cache.set('catalog:5', poisoned);
    await cache.set('catalog:6', poisoned);
    const res = await get('/plain/5').expect(200, { id: 5, name: 'product 5', price: '10.05' });
    expect(res.headers['x-recovery']).toBe('cache_clear');
    expect(await cache.get('catalog:6')).toEqual(poisoned); // not named by the error: left alone
  });

  it("on a GET with no key named, clears only the request's own key (as CacheInterceptor names it), once per cool-down", async () => {
    await cache.set('/listing', { rows: 'from an older schema' });
    await cache.set('/other', { keep: true });
    const res = await get('/listing').expect(200);
    expect(res.headers['x-recovery']).toBe('cache_clear');
    expect(await cache.get('/listing')).toEqual({ rows: [expect.objectContaining({ id: 1 })] });
    expect(await cache.get('/other')).toEqual({ keep: true });

    // Stale again at once: the same key of the same cache is not flushed again within the cool-down.
    await cache.set('/listing', { rows: 'from an older schema' });
    const again = await get('/listing').expect(500);
    await flushed(app);
    expect((await actionsOf(res.headers['x-error-id'])).map((a) => a.message)).toEqual([
      "cleared key '/listing' from cache-manager (PostgreSQL cached plan is stale)",
      "products: no key '/listing'",
      'replay after cache clear succeeded',
    ]);
    expect((await actionsOf(again.body.error.error_id)).map((a) => a.message)).toEqual([
      expect.stringMatching(/^cache-manager: key '\/listing' cleared 0 s ago \(cool-down, 30 s left\)$/),
      "products: no key '/listing'",
    ]);
    expect(await cache.get('/other')).toEqual({ keep: true });
  });

  it('a POST that hit a DatabaseError never touches the caches (5 of 5): no evidence, and nothing will run again', async () => {
    await cache.set('catalog:1', { id: 1, name: 'product 1', price: 10.01 });
    await cache.set('/listing', { rows: [] });
    products.map.set('products:1', { keep: true });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app.getHttpServer()).post('/orders').send({ n: i }).expect(500);
      expect(res.body.error.type).toBe('DatabaseError');
      ids.push(res.body.error.error_id as string);
    }
    const stale = await request(app.getHttpServer()).post('/orders/stale').expect(500);
    expect(await cache.get('catalog:1')).toEqual({ id: 1, name: 'product 1', price: 10.01 });
    expect(await cache.get('/listing')).toEqual({ rows: [] });
    expect(products.map.get('products:1')).toEqual({ keep: true });

    await flushed(app);
    for (const id of ids) {
      expect((await actionsOf(id)).find((a) => a.strategy === 'cache_clear')).toMatchObject({
        skipped: true,
        message: 'no evidence of stale or corrupt data (DatabaseError): a flush would only add load',
      });
    }
    expect(await actionsOf(stale.body.error.error_id)).toEqual([
      expect.objectContaining({ strategy: 'cache_clear', skipped: true, message: 'nothing will be re-run (not replay-safe): caches left alone' }),
    ]);
  });

  it('leaves the caches alone for a request that is not replay-safe: the client gets the error', async () => {
    products.map.set('products:4', poisoned);
    const res = await get('/unsafe/4').expect(500);
    expect(res.body.recovery).toMatchObject({ attempted: true, success: false });
    expect(products.map.get('products:4')).toEqual(poisoned);
    await flushed(app);
    const actions = await actionsOf(res.body.error.error_id);
    expect(actions.map((a) => [a.success, a.skipped, a.message])).toEqual([[false, true, 'nothing will be re-run (not replay-safe): caches left alone']]);
  });
});
