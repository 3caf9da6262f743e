import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ParityModule } from './fixtures/parity.module.js';
import { DEFAULT_BODY_LIMIT_BYTES, adapterName, flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/**
 * The same assertions on Express and on Fastify (CI runs the suite with E2E_ADAPTER=fastify too):
 * replies, headers, Retry-After, X-Error-Id, body limits. Where an answer is the adapter's own (a
 * body it refuses before any route runs), the test asserts that it is that and nothing of the module.
 */
describe(`replies and headers are the same on both adapters (now: ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('parity');

  beforeAll(async () => {
    app = await startApp([ParityModule.forRoot({ service, environment: 'production', adminToken: 't', database: testDatabase() })]);
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const storedIds = async () => {
    await flushed(app);
    return (await rowsOf(service)).map((r) => r.id);
  };

  /** A captured error's answer: its id in the header and the body, stored once, nothing internal. */
  async function expectCaptured(res: request.Response, status: number, type: string): Promise<void> {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-error-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error).toMatchObject({ type, error_id: res.headers['x-error-id'] });
    expect(res.text).not.toMatch(/exploded|ECONNRESET|\.ts:\d+|\n\s+at /);
    expect((await storedIds()).filter((id) => id === res.headers['x-error-id'])).toHaveLength(1);
  }

  it('answers a healthy route exactly as the route does, with its own headers and none of the module', async () => {
    const res = await get('/orders/42').expect(200);
    expect(res.body).toEqual({ id: '42', status: 'open' });
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    expect(res.headers['x-error-id']).toBeUndefined();
    expect(res.headers['x-recovery']).toBeUndefined();
  });

  it("answers a route that uses the framework's response itself (@Res()) as it answers", async () => {
    await get('/orders/42/raw').expect(201, { raw: true });
  });

  it('sends X-Error-Id with every captured error: handler, guard, pipe, middleware, @Res() route, 401', async () => {
    await expectCaptured(await get('/orders/42?fail=1'), 500, 'Error');
    await expectCaptured(await get('/orders/42/guarded'), 500, 'Error');
    await expectCaptured(await get('/orders/42/piped?q=1'), 500, 'Error');
    await expectCaptured(await get('/orders/42/middleware'), 500, 'Error');
    await expectCaptured(await get('/orders/42/raw?fail=1'), 500, 'Error');
    await expectCaptured(await get('/orders/42/unauthorized'), 401, 'AuthenticationError');
    await expectCaptured(await request(app.getHttpServer()).post('/orders/42/notes').send({ note: 'n' }), 500, 'Error');
  });

  it('sends Retry-After with a 503 from classification', async () => {
    const res = await get('/orders/42/upstream');
    await expectCaptured(res, 503, 'ConnectionError');
    expect(res.headers['retry-after']).toBe('5');
  });

  it('sends Retry-After with the 503 of an open breaker, and stores no row for the refusal', async () => {
    await expectCaptured(await get('/orders/1/breaker'), 503, 'ConnectionError');
    const before = await storedIds();
    const refused = await get('/orders/1/breaker').expect(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['x-error-id']).toBeUndefined();
    expect(refused.body.error).toMatchObject({ type: 'ServiceUnavailableError', error_id: null });
    expect(await storedIds()).toEqual(before);
  });

  it('sends Retry-After with the 429 of a throttled route, and stores no row for the refusal', async () => {
    await expectCaptured(await get('/orders/1/throttled?fail=1'), 503, 'ServiceUnavailableError');
    await get('/orders/1/throttled').expect(200, { ok: true }); // the burst of 1
    const before = await storedIds();
    const refused = await get('/orders/1/throttled').expect(429);
    expect(refused.headers['retry-after']).toBe('10'); // 6 a minute: one token every 10 s
    expect(refused.body.error).toMatchObject({ type: 'RateLimitError', error_id: null });
    expect(await storedIds()).toEqual(before);
  });

  it('answers an unknown route with plain Nest 404, without a row', async () => {
    const before = await storedIds();
    await get('/nowhere').expect(404, { statusCode: 404, message: 'Cannot GET /nowhere', error: 'Not Found' });
    expect(await storedIds()).toEqual(before);
  });

  it("refuses a body over the adapter's limit with its 413, and malformed JSON with its 400, storing neither", async () => {
    const before = await storedIds();
    const post = () => request(app.getHttpServer()).post('/orders/42/notes').set('Content-Type', 'application/json');
    const tooLarge = await post().send(JSON.stringify({ note: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES) })).expect(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413 });
    const malformed = await post().send('{"note":').expect(400);
    expect(malformed.body).toMatchObject({ statusCode: 400 });
    for (const res of [tooLarge, malformed]) {
      expect(res.headers['x-error-id']).toBeUndefined();
      expect(res.text).not.toMatch(/error_id/);
    }
    // Just under the limit reaches the route: the limit is the adapter's, not one of the module.
    const fits = await post().send(JSON.stringify({ note: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES - 100) }));
    await expectCaptured(fits, 500, 'Error');
    expect((await storedIds()).length).toBe(before.length + 1);
  });
});
