import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { actionsOf, flushed, rawQuery, resetBreakers, rowsOf } from './support/app.js';
import { PoolSizesRegistry } from '../src/error-recovery/state/pool-sizes.registry.js';
import { usingPostgres } from './support/database.js';
import { eventually } from './support/polling.js';
import { startDemo } from './support/demo-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('demo routes: capture → classify → record → recover → respond', () => {
  let app: INestApplication;
  let service: string;
  let expectedRows = 0;

  beforeAll(async () => {
    ({ app, service } = await startDemo('demo'));
  });
  afterAll(async () => {
    await app.close();
  });
  // circuit_break really opens a route's breaker; each test here starts with closed ones.
  beforeEach(() => resetBreakers(app));

  async function onlyRow(errorId: string): Promise<Record<string, unknown>> {
    await flushed(app);
    const rows = await rawQuery(`SELECT * FROM error_logs WHERE id = $1`, [errorId]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('GET /demo/ok answers 200 and stores nothing', async () => {
    await request(app.getHttpServer()).get('/demo/ok').expect(200, { ok: true });
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(0);
  });

  it('GET /demo/crash: a TypeError in our code is a 500 with a clean body and one row', async () => {
    const res = await request(app.getHttpServer()).get('/demo/crash').expect(500);
    expectedRows++;
    const id = res.body.error.error_id as string;
    expect(id).toMatch(UUID);
    expect(res.headers['x-error-id']).toBe(id);
    expect(res.body.error).toEqual({
      type: 'TypeError',
      message: 'An unexpected error occurred. Please try again later.',
      error_id: id,
      severity: 'medium',
    });
    expect(res.body.recovery).toMatchObject({ attempted: true, success: false });
    expect(res.text).not.toMatch(/at \w+|\.ts:|\.js:|Cannot read|undefined/);
    const row = await onlyRow(id);
    expect(row).toMatchObject({
      service,
      environment: 'production',
      error_type: 'TypeError',
      category: 'runtime',
      severity: 'medium',
      http_status: 500,
      transient: false,
      method: 'GET',
      route: '/demo/crash',
      path: '/demo/crash',
      resolved: false,
      recovery_attempted: true,
      recovery_success: false,
    });
    expect(String(row.message)).toMatch(/name/);
    expect(String(row.stack)).toMatch(/DemoController\.crash/);
    expect(String(row.fingerprint)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('GET /demo/db-error: a failing SQL query is a critical DatabaseError, with no SQL in the answer', async () => {
    const res = await request(app.getHttpServer()).get('/demo/db-error').expect(500);
    expectedRows++;
    expect(res.body.error).toMatchObject({ type: 'DatabaseError', severity: 'critical' });
    expect(res.text).not.toMatch(/demo_table|SELECT|QueryFailed|relation|postgres|pglite/i);
    const row = await onlyRow(res.body.error.error_id);
    expect(row).toMatchObject({ error_type: 'DatabaseError', category: 'database', severity: 'critical', http_status: 500, route: '/demo/db-error' });
    expect(String(row.message)).toMatch(/demo_table_that_does_not_exist/);
    const actions = await actionsOf(res.body.error.error_id);
    expect(actions.map((a) => [a.strategy, a.skipped, a.message])).toEqual([
      ['pool_increase', true, 'permanent error: a bigger pool cannot help'],
      ['timeout_increase', true, 'only applies to timeouts (this is a DatabaseError)'],
      ['cache_clear', true, 'no evidence of stale or corrupt data (DatabaseError): a flush would only add load'],
    ]);
  });

  it('GET /demo/flaky?failures=2 is recovered by retry: 200, X-Recovery, one row, two actions', async () => {
    const res = await request(app.getHttpServer()).get('/demo/flaky?failures=2&key=recovers').expect(200);
    expectedRows++;
    expect(res.body).toEqual({ ok: true, calls: 3 });
    expect(res.headers['x-recovery']).toBe('retry');
    const id = res.headers['x-error-id'] as string;
    expect(id).toMatch(UUID);
    const row = await onlyRow(id);
    expect(row).toMatchObject({
      error_type: 'ConnectionError',
      transient: true,
      recovery_attempted: true,
      recovery_success: true,
      recovery_strategy: 'retry',
      resolved: true,
    });
    const actions = await actionsOf(id);
    expect(actions.map((a) => [a.strategy, a.success, a.skipped, a.trigger])).toEqual([
      ['retry', false, false, 'automatic'],
      ['retry', true, false, 'automatic'],
    ]);
  });

  it('GET /demo/flaky?failures=5 exhausts the retries: 503 with Retry-After and every step recorded', async () => {
    const res = await request(app.getHttpServer()).get('/demo/flaky?failures=5&key=exhausts').expect(503);
    expectedRows++;
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body.error).toMatchObject({ type: 'ConnectionError', severity: 'high' });
    expect(res.body.recovery).toEqual({
      attempted: true,
      success: false,
      message: 'Recovery failed: no strategy resolved the error',
      actions: [
        { strategy: 'retry', success: false, skipped: false },
        { strategy: 'retry', success: false, skipped: false },
        { strategy: 'retry', success: false, skipped: false },
        // one failure is counted, it does not open the breaker (5 in a row would)
        { strategy: 'circuit_break', success: false, skipped: true },
        { strategy: 'fallback', success: false, skipped: true },
      ],
    });
    const row = await onlyRow(res.body.error.error_id);
    expect(row).toMatchObject({ recovery_success: false, recovery_strategy: null, http_status: 503 });
    // The breaker of the route stays closed: the next request is served.
    await request(app.getHttpServer()).get('/demo/flaky?failures=0&key=other').expect(200);
  });

  it('POST /demo/flaky is not replayed (not replay-safe)', async () => {
    const res = await request(app.getHttpServer()).post('/demo/flaky?failures=1&key=post').expect(503);
    expectedRows++;
    const actions = await actionsOf((await onlyRow(res.body.error.error_id)).id as string);
    expect(actions[0]).toMatchObject({ strategy: 'retry', skipped: true, message: 'not replay-safe' });
    // Had the POST been run again it would have succeeded (one failure only): the next call is the 2nd.
    resetBreakers(app);
    await request(app.getHttpServer()).post('/demo/flaky?failures=1&key=post').expect(201, { ok: true, calls: 2 });
  });

  it('POST with an Idempotency-Key is replay-safe and recovered', async () => {
    const res = await request(app.getHttpServer())
      .post('/demo/flaky?failures=1&key=idem')
      .set('Idempotency-Key', 'k-1')
      .expect(201, { ok: true, calls: 2 });
    expectedRows++;
    expect(res.headers['x-recovery']).toBe('retry');
  });

  it('GET /demo/slow answers after the delay', async () => {
    await request(app.getHttpServer()).get('/demo/slow?ms=20').expect(200, { ok: true, waitedMs: 20 });
  });

  it('GET /demo/slow beyond its 1 s timeout is recovered by timeout_increase', async () => {
    const res = await request(app.getHttpServer()).get('/demo/slow?ms=1200').expect(200, { ok: true, waitedMs: 1200 });
    expectedRows++;
    expect(res.headers['x-recovery']).toBe('timeout_increase');
  });

  it("GET /demo/quote is answered by the route's own fallback", async () => {
    const res = await request(app.getHttpServer()).get('/demo/quote').expect(200, { quote: 'Stay calm and recover', source: 'fallback' });
    expectedRows++;
    expect(res.headers).toMatchObject({ 'x-recovery': 'fallback', 'x-degraded': 'true' });
  });

  it('GET /demo/catalog with a poisoned cache entry is recovered by cache_clear', async () => {
    await request(app.getHttpServer()).get('/demo/catalog/poison?id=9').expect(200);
    const res = await request(app.getHttpServer()).get('/demo/catalog?id=9').expect(200, { id: '9', price: '19.90' });
    expectedRows++;
    expect(res.headers['x-recovery']).toBe('cache_clear');
  });

  it('GET /demo/search after a dropped connection is recovered by service_restart', async () => {
    await request(app.getHttpServer()).get('/demo/search/disconnect').expect(200);
    const res = await request(app.getHttpServer()).get('/demo/search?q=x').expect(200);
    expectedRows++;
    expect(res.headers['x-recovery']).toBe('service_restart');
    await request(app.getHttpServer()).get('/demo/search?q=y').expect(200); // still connected
  });

  // The embedded PGlite has no connection pool to exhaust or grow.
  (usingPostgres ? it : it.skip)('GET /demo/orders with the pool held by /demo/hold is recovered by pool_increase', async () => {
    const holds = [1, 2].map(() => request(app.getHttpServer()).get('/demo/hold?ms=3000').then((r) => r.status));
    // Both holds have their connection: the demo's pool (max 2) is busy.
    await eventually(
      async () => app.get(PoolSizesRegistry).list().find((p) => p.current_max === 2),
      (pool) => pool !== undefined && pool.open_connections === 2 && pool.idle_connections === 0,
    );
    const res = await request(app.getHttpServer()).get('/demo/orders').expect(200);
    expectedRows++;
    expect(res.headers['x-recovery']).toBe('pool_increase');
    expect(await Promise.all(holds)).toEqual([200, 200]);
  });

  it('an unknown route is a plain Nest 404 and is not stored', async () => {
    const res = await request(app.getHttpServer()).get('/demo/nope').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'Cannot GET /demo/nope' });
  });

  it('stored every captured error exactly once', async () => {
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(expectedRows);
  });
});
