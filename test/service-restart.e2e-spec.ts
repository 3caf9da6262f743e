import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { type Clock } from '../src/error-recovery/index.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { RestartHistoryRegistry } from '../src/error-recovery/state/restart-history.registry.js';
import { RestartDataSourceModule } from './fixtures/restart-data-source.module.js';
import { FlakyClient, RestartableTargetModule } from './fixtures/restartable-target.module.js';
import { actionsOf, flushed, rowsOf, startApp } from './support/app.js';
import { DATABASE_URL, pgQuery, testDatabase, uniqueService, usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';

const describeWithPostgres = usingPostgres ? describe : describe.skip;

/** The pg Pool a DataSource currently has: a new object after a real re-initialization. */
const poolOf = (ds: DataSource): unknown => (ds.driver as unknown as { master: unknown }).master;

describeWithPostgres('service_restart of a real DataSource', () => {
  let app: INestApplication;
  const service = uniqueService('restart-ds');
  const applicationName = uniqueService('restart-app');

  beforeAll(async () => {
    app = await startApp([RestartDataSourceModule.forRoot({ service, environment: 'production', database: testDatabase() }, DATABASE_URL!, applicationName)]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('restarts the DataSource whose connections were killed, and the replay runs on a new backend', async () => {
    const ds = app.get<DataSource>(getDataSourceToken());
    const poolBefore = poolOf(ds);
    const pending = request(app.getHttpServer()).get('/db/slow').then((res) => res);
    const [victim] = await eventually(
      () => pgQuery<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE '%pg_sleep%'`, [applicationName]),
      (rows) => rows.length === 1,
    );
    await pgQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers['x-recovery']).toBe('service_restart');
    expect(res.body.pid).toEqual(expect.any(Number));
    expect(res.body.pid).not.toBe(victim.pid);
    expect(ds.isInitialized).toBe(true);
    expect(poolOf(ds)).not.toBe(poolBefore); // destroy() + initialize() built a new pg Pool
    expect(app.get(RestartHistoryRegistry).list()).toEqual([expect.objectContaining({ name: 'default', restarts_in_window: 1, total_restarts: 1, last_outcome: 'succeeded' })]);

    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === res.headers['x-error-id'])!;
    expect(row).toMatchObject({ error_type: 'DatabaseError', recovery_success: true, recovery_strategy: 'service_restart' });
    expect(row.message).toMatch(/terminating connection due to administrator command|Connection terminated/);
    const actions = await actionsOf(String(row.id));
    expect(actions.map((a) => [a.strategy, a.success, a.skipped])).toEqual([
      ['service_restart', true, false],
      ['service_restart', true, false],
    ]);
    expect(actions[0].message).toMatch(/^restarted "default" in \d+ ms \(health check passed\)$/);
    expect(actions[0].details).toMatchObject({ target: 'default', kind: 'dataSource', chosenBy: 'the only DataSource, on a DatabaseError', healthCheck: 'passed', restartsInWindow: 1 });
    expect(actions[1].message).toBe('replay after restart succeeded');
  });
});

/** Time the test moves by hand: the restart window reads it through the module's clock option. */
const clock = { t: Date.parse('2026-11-22T12:00:00Z'), now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };

describe('service_restart of a @RestartableTarget() provider', () => {
  let app: INestApplication;
  let client: FlakyClient;
  const service = uniqueService('restart-target');

  beforeAll(async () => {
    app = await startApp([RestartableTargetModule.forRoot({ service, environment: 'production', database: testDatabase(), clock })]);
    client = app.get(FlakyClient);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = () => request(app.getHttpServer()).get('/flaky');

  it('restarts it, checks its health and serves the replayed request', async () => {
    client.connected = false;
    const res = await call().expect(200);
    expect(res.body).toEqual({ ok: true, restarts: 1 });
    expect(res.headers['x-recovery']).toBe('service_restart');
    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id']);
    expect(actions.map((a) => [a.success, a.skipped, a.message])).toEqual([
      [true, false, 'restarted "flaky-client" in 0 ms (health check passed)'],
      [true, false, 'replay after restart succeeded'],
    ]);
    expect(actions[0].details).toMatchObject({ target: 'flaky-client', kind: 'target', chosenBy: 'the only restartable target', maxRestarts: 2, windowMs: 60_000 });
  });

  it('stops at maxRestarts in the window, answering with the error, and allows again after the window', async () => {
    client.connected = false;
    await call().expect(200);
    expect(client.restarts).toBe(2);

    client.connected = false;
    const refused = await call().expect(500);
    expect(client.restarts).toBe(2);
    expect(refused.body.recovery.actions).toEqual([{ strategy: 'service_restart', success: false, skipped: true }]);
    await flushed(app);
    const [action] = await actionsOf(refused.body.error.error_id);
    expect(action.message).toBe('restart limit reached: 2 in window (max 2 per 60000 ms; next allowed at 2026-11-22T12:01:00.000Z)');
    expect(app.get(RestartHistoryRegistry).list()).toEqual([
      { name: 'flaky-client', restarts_in_window: 2, max_restarts: 2, window_ms: 60_000, total_restarts: 2, last_restart_at: '2026-11-22T12:00:00.000Z', last_outcome: 'succeeded' },
    ]);

    clock.t += 60_000;
    await call().expect(200, { ok: true, restarts: 3 });
  });
});

describe('circuit_break before service_restart', () => {
  let app: INestApplication;
  let client: FlakyClient;

  beforeAll(async () => {
    app = await startApp([RestartableTargetModule.forRoot({ service: uniqueService('restart-breaker'), environment: 'production', database: testDatabase(), clock, circuitBreaker: { failureThreshold: 1 } })]);
    client = app.get(FlakyClient);
  });
  afterAll(async () => {
    await app.close();
  });

  it('does not count against the breaker a request the restart\'s replay served; counts one it did not', async () => {
    const breaker = () => app.get(CircuitBreakerRegistry).list().find((b) => b.name === 'GET /flaky/guarded');
    client.connected = false;
    const served = await request(app.getHttpServer()).get('/flaky/guarded').expect(200);
    expect(served.headers['x-recovery']).toBe('service_restart');
    await flushed(app);
    const [counted] = await actionsOf(served.headers['x-error-id']);
    expect(counted).toMatchObject({ strategy: 'circuit_break', skipped: true, message: expect.stringMatching(/^not counted yet: service_restart may still serve this request/) });
    expect(breaker()?.counts.failures ?? 0).toBe(0);
    expect(breaker()?.state ?? 'closed').toBe('closed');

    client.connected = false;
    client.restart = async () => {
      throw new Error('still down');
    };
    await request(app.getHttpServer()).get('/flaky/guarded').expect(503);
    expect(breaker()).toMatchObject({ state: 'open', counts: { failures: 1 } });
  });
});
