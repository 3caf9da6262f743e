import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { CacheTargets } from '../src/error-recovery/targets/cache-targets.js';
import { PRICE_CACHE_ID, QueryCacheFixtureModule } from './fixtures/query-cache.module.js';
import { actionsOf, flushed, startApp } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService } from './support/database.js';

/** A table of its own, so that runs sharing one PostgreSQL do not clear each other's cache. */
const table = `qrc_${randomUUID().slice(0, 8)}`;

/** An app DataSource with TypeORM's database query-result cache, on the test database. */
function appDataSource(): DataSource {
  const cache = { type: 'database' as const, tableName: table };
  const connection = DATABASE_URL ? { url: DATABASE_URL } : { driver: new PGliteDriver({}).driver };
  return new DataSource({ type: 'postgres', ...connection, cache, logging: false } as DataSourceOptions);
}

describe('cache_clear of the TypeORM query-result cache', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  const cached = () => dataSource.query(`SELECT identifier, result FROM "${table}"`) as Promise<{ identifier: string; result: string }[]>;

  beforeAll(async () => {
    dataSource = appDataSource();
    await dataSource.initialize();
    await dataSource.queryResultCache!.synchronize();
    app = await startApp([QueryCacheFixtureModule.forRoot({ service: uniqueService('query-cache'), environment: 'production', database: testDatabase() }, dataSource)]);
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS "${table}"`);
    await app.close();
    // On PGlite the app's DataSource already closed the shared embedded instance.
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
  });

  it('finds the DataSource provider and its query-result cache', () => {
    expect(app.get(CacheTargets).list()).toEqual([{ name: 'query-result:default', type: 'query-result' }]);
  });

  it('clears a stale cached result and answers 200 from the replay, which caches a fresh one', async () => {
    await request(app.getHttpServer()).get('/price').expect(200, { price: '10.50' });
    await dataSource.query(`UPDATE "${table}" SET result = '[]' WHERE identifier = $1`, [PRICE_CACHE_ID]);

    const res = await request(app.getHttpServer()).get('/price').expect(200, { price: '10.50' });
    expect(res.headers['x-recovery']).toBe('cache_clear');
    const rows = await cached();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].result)).toEqual([{ price: expect.anything() }]);

    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id']);
    expect(actions.map((a) => [a.strategy, a.success, a.skipped, a.message])).toEqual([
      ['cache_clear', true, false, "cleared keys matching '*' (count not available) from query-result:default (cached price query returned no row)"],
      ['cache_clear', true, false, 'replay after cache clear succeeded'],
    ]);
  });
});
