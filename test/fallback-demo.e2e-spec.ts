import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { actionsOf, flushed } from './support/app.js';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';

/** The toolkit demo: a chain of three fake models on loopback, and call breakers. */
describe('demo routes: fallback chain and call breakers', () => {
  let app: INestApplication;
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const breakersListed = async (): Promise<Record<string, string>> => {
    const res = await get('/api/errors/circuit-breakers').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    return Object.fromEntries((res.body.items as { name: string; state: string }[]).map((b) => [b.name, b.state]));
  };

  beforeAll(async () => {
    ({ app } = await startDemo('toolkit-demo'));
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists the declared breakers (closed) before any call', async () => {
    expect(await breakersListed()).toMatchObject({
      'demo-llm/primary': 'closed',
      'demo-llm/secondary': 'closed',
      'demo-llm/tertiary': 'closed',
      'demo-pricing': 'closed',
      'demo-inventory': 'closed',
    });
  });

  it('answers from the primary model, then from the next tier while it is down, then the canned answer', async () => {
    let res = await get('/demo/toolkit/ask?prompt=hi').expect(200);
    expect(res.body).toMatchObject({ value: 'primary answers: hi', tier: 1, provider: 'primary' });

    await get('/demo/toolkit/models?model=primary&mode=down').expect(200);
    res = await get('/demo/toolkit/ask?prompt=hi').expect(200);
    expect(res.body).toMatchObject({ value: 'secondary answers: hi', tier: 2, provider: 'secondary' });

    // A slow model times out (1 s) and counts as its failure; the third answers.
    await get('/demo/toolkit/models?model=secondary&mode=slow').expect(200);
    res = await get('/demo/toolkit/ask?prompt=hi').expect(200);
    expect(res.body).toMatchObject({ tier: 3, provider: 'tertiary' });
    expect(res.body.stats.tiers[1]).toMatchObject({ provider: 'secondary', timeouts: 1 });

    await get('/demo/toolkit/models?model=tertiary&mode=down').expect(200);
    res = await get('/demo/toolkit/ask?prompt=hi').expect(200);
    expect(res.body).toMatchObject({ value: 'All models are busy; here is a canned answer.', tier: 4, provider: 'static' });
    // ai_model opens after 3 failures: the primary failed three times and is now skipped.
    expect(res.body.stats.tiers[0]).toMatchObject({ provider: 'primary', failures: 3, skippedOpen: 0 });
    expect((await breakersListed())['demo-llm/primary']).toBe('open');
    res = await get('/demo/toolkit/ask?prompt=hi').expect(200);
    expect(res.body.stats.tiers[0]).toMatchObject({ failures: 3, skippedOpen: 1 });
  });

  it("a failing route is answered through the chain by the fallback strategy; the action records the tier", async () => {
    for (const model of ['primary', 'secondary', 'tertiary']) await get(`/demo/toolkit/models?model=${model}&mode=up`).expect(200);
    for (const name of ['demo-llm/primary', 'demo-llm/secondary', 'demo-llm/tertiary']) {
      await request(app.getHttpServer()).post(`/api/errors/circuit-breakers/${encodeURIComponent(name)}/reset`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    }
    await get('/demo/toolkit/models?model=primary&mode=down').expect(200);
    const res = await get('/demo/toolkit/summary').expect(200);
    expect(res.headers).toMatchObject({ 'x-recovery': 'fallback-chain', 'x-degraded': 'true' });
    expect(res.text).toContain('secondary answers');
    await flushed(app);
    const actions = await actionsOf(res.headers['x-error-id'] as string);
    expect(actions.map((a) => [a.strategy, a.success, a.details])).toEqual([
      ['fallback', true, { source: 'chain', chain: 'demo-llm', tier: 2, provider: 'secondary' }],
    ]);
  });

  it('breakers.execute: the pricing call fails three times, then the breaker answers 503 without calling it', async () => {
    await get('/demo/toolkit/price').expect(200);
    for (let i = 0; i < 3; i++) expect((await get('/demo/toolkit/price?fail=1')).status).toBeGreaterThanOrEqual(500);
    const refused = await get('/demo/toolkit/price').expect(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.error.message).not.toContain('demo-pricing');
    expect((await breakersListed())['demo-pricing']).toBe('open');
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/demo-pricing/reset').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    // Reset closed it: the call runs again (the counter moved on from 1 to 2: three failures and a refusal never counted).
    const res = await get('/demo/toolkit/price').expect(200);
    expect(res.body).toMatchObject({ price: 2, breaker: { state: 'closed', counts: { successes: 2, failures: 3, rejected: 1 } } });
    expect(res.body.breaker.lastFailure.message).toContain('Connection terminated unexpectedly');
  });

  it('@CircuitBreaker on a provider method: two failures open it, the next call never reaches the API', async () => {
    let res = await get('/demo/toolkit/stock?sku=B2').expect(200);
    expect(res.body).toEqual({ stock: { sku: 'B2', inStock: 7 }, apiCalls: 1 });
    for (let i = 0; i < 2; i++) expect((await get('/demo/toolkit/stock?fail=1')).status).toBeGreaterThanOrEqual(500);
    await get('/demo/toolkit/stock').expect(503);
    expect((await breakersListed())['demo-inventory']).toBe('open');
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/demo-inventory/reset').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    res = await get('/demo/toolkit/stock').expect(200);
    expect(res.body.apiCalls).toBe(4);
  });
});
