import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CircuitBreakers, FallbackChains, isUnknownCircuitBreakerError } from '../src/error-recovery/index.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { quoteApis, ToolkitBreakersModule } from './fixtures/toolkit-breakers.module.js';
import { actionsOf, flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const auth = { Authorization: 'Bearer t' };

describe('toolkit: call breakers and fallback chains declared in forRoot', () => {
  let app: INestApplication;
  let service: string;
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const listed = async (name: string) =>
    ((await get('/api/errors/circuit-breakers').set(auth).expect(200)).body.items as { name: string; state: string; policy: Record<string, number> }[]).find((b) => b.name === name);

  beforeAll(async () => {
    service = uniqueService('toolkit');
    app = await startApp([ToolkitBreakersModule.forRoot({ service, environment: 'production', adminToken: 't', database: testDatabase(), retry: { maxRetries: 0 } })]);
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists declared breakers closed, with the preset policy, and healthy calls create no state', async () => {
    await get('/tk/pay').expect(200, { paid: true });
    await get('/tk/tax').expect(200);
    expect(await listed('pay-api')).toMatchObject({ state: 'closed', policy: { failureThreshold: 5, openMs: 120_000, halfOpenRequests: 3 } });
    expect(await listed('tax-db')).toMatchObject({ state: 'closed', policy: { failureThreshold: 2, openMs: 30_000, halfOpenRequests: 2 } });
    expect(await listed('quotes/main')).toMatchObject({ state: 'closed' });
    expect(app.get(CircuitBreakerRegistry).idle).toBe(true);
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(0);
  });

  it('breakers.execute opens after the preset threshold and fails fast with 503; reset closes it', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/tk/pay?fail=1')).status).toBeGreaterThanOrEqual(500);
    const refused = await get('/tk/pay').expect(503);
    expect(refused.headers['retry-after']).toBe('120');
    const status = app.get(CircuitBreakers).getStatus('pay-api');
    expect(status).toMatchObject({ state: 'open', counts: { failures: 5, rejected: 1 }, msUntilHalfOpen: expect.any(Number) });
    expect(status.msUntilHalfOpen).toBeGreaterThan(100_000);
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/pay-api/reset').set(auth).expect(200);
    await get('/tk/pay').expect(200);
  });

  it('a sync @CircuitBreaker method declared in forRoot opens after two failures', async () => {
    const calls = (await get('/tk/tax').expect(200)).body.calls as number;
    for (let i = 0; i < 2; i++) expect((await get('/tk/tax?fail=1')).status).toBeGreaterThanOrEqual(500);
    await get('/tk/tax').expect(503);
    expect((await listed('tax-db'))?.state).toBe('open');
    // The refused call never ran the method.
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/tax-db/reset').set(auth).expect(200);
    expect((await get('/tk/tax').expect(200)).body.calls).toBe(calls + 3);
  });

  it('an unknown breaker name is a clear error, stored with the request (never a silent pass)', async () => {
    const res = await get('/tk/typo').expect(500);
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === res.body.error.error_id);
    expect(row?.message).toMatch(/No circuit breaker named "pay-apii"\. Declare it first/);
    expect(isUnknownCircuitBreakerError(await app.get(CircuitBreakers).execute('nope', () => 1).catch((e: unknown) => e))).toBe(true);
  });

  it('a route names a chain: the next tier answers, and when every tier fails the outcome is an honest failure', async () => {
    quoteApis.main = false;
    let res = await get('/tk/quote').expect(200, { quote: 'from replica' });
    expect(res.headers['x-recovery']).toBe('fallback-chain');
    quoteApis.replica = false;
    res = await get('/tk/quote');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(res.body)).not.toContain('replica');
    await flushed(app);
    const [action] = await actionsOf(res.body.error.error_id as string);
    expect(action).toMatchObject({
      strategy: 'fallback',
      success: false,
      details: { source: 'chain', chain: 'quotes', tiers: [{ provider: 'main', reason: 'error' }, { provider: 'replica', reason: 'error' }] },
    });
    const row = (await rowsOf(service)).find((r) => r.id === res.body.error.error_id);
    expect(row).toMatchObject({ recovery_attempted: true, recovery_success: false });
    const stats = { name: 'quotes', executions: 2, exhausted: 1, tiers: [{ provider: 'main', failures: 2 }, { provider: 'replica', successes: 1, failures: 1 }] };
    expect(app.get(FallbackChains).stats('quotes')).toMatchObject(stats);
    expect((await get('/api/errors/fallback-chains/quotes').set(auth).expect(200)).body).toMatchObject(stats);
    expect((await get('/api/errors/fallback-chains').set(auth).expect(200)).body.items).toMatchObject([stats]);
    await get('/api/errors/fallback-chains').expect(401);
    expect((await get('/api/errors/fallback-chains/nope').set(auth).expect(404)).body.message).toMatch(/No fallback chain named "nope"/);
  });

  it("the route's own breaker open: the chain still answers (a 503 only when no tier does)", async () => {
    quoteApis.main = true;
    quoteApis.replica = true;
    for (const name of ['quotes/main', 'quotes/replica']) {
      await request(app.getHttpServer()).post(`/api/errors/circuit-breakers/${encodeURIComponent(name)}/reset`).set(auth).expect(200);
    }
    // Each answer served by a fallback counts as a failure of the route: the 5th opens its breaker.
    for (let i = 0; i < 7; i++) {
      const res = await get('/tk/quote').expect(200, { quote: 'from main' });
      expect(res.headers).toMatchObject({ 'x-recovery': 'fallback-chain', 'x-degraded': 'true' });
    }
    expect((await listed('GET /tk/quote'))?.state).toBe('open');
    quoteApis.main = false;
    quoteApis.replica = false;
    expect((await get('/tk/quote').expect(503)).body.error.message).not.toContain('replica');
  });
});
