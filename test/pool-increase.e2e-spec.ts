import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { PoolSizesRegistry } from '../src/error-recovery/state/pool-sizes.registry.js';
import { PoolBurstModule } from './fixtures/pool-burst.module.js';
import { PoolModule } from './fixtures/pool.module.js';
import { actionsOf, flushed, rowsOf, startApp } from './support/app.js';
import { DATABASE_URL, pgQuery, testDatabase, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';

const describeWithPostgres = usingPostgres ? describe : describe.skip;

/** The pg Pool TypeORM keeps for the DataSource: what pool_increase really changes. */
const poolOf = (ds: DataSource) => (ds.driver as unknown as { master: { options: { max: number }; totalCount: number } }).master;

describeWithPostgres('pool_increase on a real PostgreSQL pool', () => {
  let app: INestApplication;
  const service = uniqueService('pool');
  const applicationName = uniqueService('pool-app');

  beforeAll(async () => {
    app = await startApp([
      PoolModule.forRoot({ service, environment: 'production', database: testDatabase(), parameters: { pool_increase: { coolDownMs: 500 } } }, DATABASE_URL!, applicationName),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  /**
   * Holds the pool's only connection, so requests wait 300 ms for one and give up. The query is
   * returned in an object: an async function returning it would wait for it.
   */
  async function holdTheOnlyConnection(ds: DataSource): Promise<{ hold: Promise<unknown> }> {
    const hold = ds.query('SELECT pg_sleep(1.5)').catch((error: unknown) => error);
    await eventually(
      () => pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE '%pg_sleep%'`, [applicationName]),
      (rows) => rows[0].n === 1,
    );
    return { hold };
  }

  it('fails for real while the pool is held and may not grow (ceiling reached)', async () => {
    const ds = app.get<DataSource>(getDataSourceToken());
    const { hold } = await holdTheOnlyConnection(ds);
    const res = await request(app.getHttpServer()).get('/db/capped').expect(500);
    expect(res.body.error.type).toBe('DatabaseError');
    expect(res.body.recovery.actions).toEqual([{ strategy: 'pool_increase', success: false, skipped: true }]);
    await flushed(app);
    const [action] = await actionsOf(res.body.error.error_id);
    expect(action).toMatchObject({ skipped: true, message: 'pool max 1 already at the ceiling 1 (default)' });
    expect(poolOf(ds).options.max).toBe(1);
    await hold;
  });

  it('grows the exhausted pool, replays the request, then shrinks the pool back after the cool-down', async () => {
    const ds = app.get<DataSource>(getDataSourceToken());
    const pools = app.get(PoolSizesRegistry);
    expect(pools.list()).toEqual([expect.objectContaining({ data_source: 'default', original_max: 1, current_max: 1, revert_at: null })]);

    const { hold } = await holdTheOnlyConnection(ds);

    const res = await request(app.getHttpServer()).get('/db/ping').expect(200);
    expect(res.body).toEqual({ one: 1 });
    expect(res.headers['x-recovery']).toBe('pool_increase');
    expect(poolOf(ds).options.max).toBe(2);
    expect(poolOf(ds).totalCount).toBe(2); // the held connection and the replay's new one
    expect(pools.list()[0]).toMatchObject({ data_source: 'default', original_max: 1, current_max: 2, ceiling: 50, open_connections: 2 });

    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === res.headers['x-error-id'])!;
    expect(row).toMatchObject({ id: res.headers['x-error-id'], error_type: 'DatabaseError', recovery_success: true, recovery_strategy: 'pool_increase' });
    expect(row.message).toMatch(/timeout exceeded when trying to connect/);
    const actions = await actionsOf(String(row.id));
    expect(actions.map((a) => [a.strategy, a.success, a.skipped, a.message])).toEqual([
      ['pool_increase', true, false, 'pool max 1 → 2 (default)'],
      ['pool_increase', true, false, 'replay after pool growth succeeded'],
    ]);
    expect(actions[0].details).toMatchObject({ dataSource: 'default', from: 1, to: 2, ceiling: 50, incrementPercent: 150, original: 1, coolDownMs: 500 });

    await eventually(async () => pools.list()[0], (p) => p.current_max === 1 && p.revert_at === null, 5000);
    expect(poolOf(ds).options.max).toBe(1);
    expect(await hold).toEqual([{ pg_sleep: '' }]);
  });
});

describeWithPostgres('pool_increase under a burst (pool max 2, 30 concurrent pg_sleep(0.5))', () => {
  let app: INestApplication;
  const service = uniqueService('pool-burst');

  beforeAll(async () => {
    app = await startApp([PoolBurstModule.forRoot({ service, environment: 'production', database: testDatabase() }, DATABASE_URL!, uniqueService('pool-burst-app'))]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers at least 95 % with 200: the pool grows, and the requests that failed for lack of connections run again in it', async () => {
    const server = app.getHttpServer();
    const responses = await Promise.all(Array.from({ length: 30 }, () => request(server).get('/burst/sleep')));
    const ok = responses.filter((r) => r.status === 200).length;
    expect(ok / 30).toBeGreaterThanOrEqual(0.95);
    const ds = app.get<DataSource>(getDataSourceToken());
    expect(poolOf(ds).options.max).toBeGreaterThan(2);

    await flushed(app);
    const recovered = responses.filter((r) => r.status === 200 && r.headers['x-recovery'] === 'pool_increase');
    const messages = (await Promise.all(recovered.map((r) => actionsOf(String(r.headers['x-error-id']))))).flat().map((a) => String(a.message));
    // Some were served by a growth, the others by the room an earlier growth left.
    expect(messages.some((m) => /^pool max \d+ → \d+ \(default\)$/.test(m))).toBe(true);
    expect(messages.some((m) => /^pool already grown to \d+ \(default\), room for \d+ more: re-ran$/.test(m))).toBe(true);
    expect(messages.filter((m) => m.includes('skipped'))).toEqual([]);
  });
});
