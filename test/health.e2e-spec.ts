import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { HealthReport } from '../src/error-recovery/index.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { deps, HealthAppModule } from './fixtures/health.module.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

const auth = { Authorization: 'Bearer t' };
const service = uniqueService('health');

describe('health checks, probes and the terminus indicator', () => {
  let app: INestApplication;
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const report = async () => (await get('/api/errors/health?refresh=true').set(auth).expect(200)).body as HealthReport;

  beforeAll(async () => {
    app = await startApp([
      HealthAppModule.forRoot({
        service,
        environment: 'production',
        adminToken: 't',
        database: testDatabase(),
        circuitBreaker: { failureThreshold: 2, halfOpenRequests: 1 },
        health: { intervalMs: 0, maxAgeMs: 0 },
        healthProbes: { ready: 'readyz' },
      }),
    ]);
    // The store connects in the background after start-up.
    await eventually(report, (r) => r.status === 'healthy');
  });
  afterEach(() => {
    deps.payments = true;
    deps.queue = true;
  });
  afterAll(async () => {
    await app.close();
  });

  it('liveness and readiness answer without a token, with the status only', async () => {
    expect((await get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await get('/readyz').expect(200)).body).toEqual({ status: 'ready' });
    // The ready path was moved; the default one is not served.
    await get('/health/ready').expect(404);
  });

  it('GET /api/errors/health needs the admin token and reports every dependency and breaker', async () => {
    await get('/api/errors/health').expect(401);
    const body = await report();
    expect(body.status).toBe('healthy');
    expect(body.services.error_store).toMatchObject({ status: 'healthy', critical: true });
    expect(body.services.payments).toMatchObject({ status: 'healthy', breaker: 'payments-api', critical: false });
    expect(body.services.queue).toMatchObject({ status: 'healthy', critical: true });
    expect(typeof body.services.payments.latency_ms).toBe('number');
    expect(Date.parse(body.services.payments.checked_at)).not.toBeNaN();
    expect(body.circuit_breakers).toEqual({});
  });

  it('a failing non-critical check degrades; a failing critical one makes readiness 503 and is never stored as an error', async () => {
    deps.payments = false;
    let body = await report();
    expect(body.status).toBe('degraded');
    expect(body.services.payments).toMatchObject({ status: 'error', error: 'connect ECONNREFUSED 127.0.0.1:9 (payments)' });
    await get('/readyz').expect(200);
    deps.queue = false;
    body = await report();
    expect(body.status).toBe('error');
    const ready = await get('/readyz').expect(503);
    expect(ready.body).toEqual({ status: 'not_ready' });
    expect(ready.headers['cache-control']).toBe('no-store');
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.path === '/readyz' || r.http_status === 503)).toEqual([]);
    deps.queue = true;
    await get('/readyz').expect(200);
  });

  it('health-driven recovery: the payments check passing half-opens the open breaker at once; the next call closes it', async () => {
    deps.payments = false;
    await get('/pay').expect(503);
    await get('/pay').expect(503);
    let body = await report();
    expect(body.circuit_breakers['payments-api']).toMatchObject({ state: 'open' });
    // Refused fast while open: the handler does not run.
    deps.payments = true;
    await get('/pay').expect(503);
    body = await report();
    expect(body.circuit_breakers['payments-api']).toMatchObject({ state: 'half_open' });
    expect(body.services.payments.status).toBe('degraded');
    expect((await get('/pay').expect(200)).body).toEqual({ paid: true });
    body = await report();
    expect(body.status).toBe('healthy');
    expect(body.circuit_breakers['payments-api']?.state ?? 'closed').toBe('closed');
  });

  it('the terminus indicator works inside HealthCheckService.check (up, degraded, down → 503)', async () => {
    let res = await get('/terminus').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { error_recovery: { status: 'up' }, payments: { status: 'up', breaker: 'payments-api' } } });
    // An open breaker elsewhere: degraded, still 200.
    app.get(CircuitBreakerRegistry).open('GET /elsewhere');
    res = await get('/terminus').expect(200);
    expect(JSON.stringify(res.body)).toContain('"error_recovery":{"status":"degraded"');
    app.get(CircuitBreakerRegistry).reset('GET /elsewhere');
    deps.queue = false;
    res = await get('/terminus').expect(503);
    expect(res.body).toMatchObject({ status: 'error', error: { error_recovery: { status: 'down' } } });
    expect(res.body.error.error_recovery.services.queue).toMatchObject({ status: 'error' });
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.path === '/terminus')).toEqual([]);
  });
});

describe('health when the module store is down', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // A store nobody listens on: start-up goes on, the module keeps retrying in the background.
    app = await startApp([
      HealthAppModule.forRoot({
        service: uniqueService('health-down'),
        environment: 'production',
        adminToken: 't',
        database: { url: 'postgres://app:s3cret-pw@127.0.0.1:9/none', connectTimeoutMs: 200 },
        health: { intervalMs: 0, maxAgeMs: 0 },
      }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('is not ready (503, status only) and the admin report says why, without the password', async () => {
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(ready.body).toEqual({ status: 'not_ready' });
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    const body = (await request(app.getHttpServer()).get('/api/errors/health').set(auth).expect(200)).body as HealthReport;
    expect(body.status).toBe('error');
    expect(body.services.error_store).toMatchObject({ status: 'error', critical: true });
    expect(body.services.error_store.error).toMatch(/not connected yet/);
    expect(JSON.stringify(body)).not.toContain('s3cret-pw');
    // The other checks still run and pass.
    expect(body.services.payments.status).toBe('healthy');
  });
});
