import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ParityModule } from './fixtures/parity.module.js';
import { adapterName, createApp, flushed, initApp, onFastify, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const options = (service: string) => ({ service, environment: 'production', adminToken: 't', database: testDatabase() });

/**
 * What is stored about the request that failed, on Express and on Fastify alike: method, the route
 * pattern (not the concrete path), the path, query, params, allow-listed headers with secrets
 * scrubbed, and the body. The few differences are the frameworks' own and are asserted as such.
 */
describe(`request snapshots (now: ${adapterName})`, () => {
  let app: INestApplication;
  const service = uniqueService('snapshot');

  beforeAll(async () => {
    app = await startApp([ParityModule.forRoot(options(service))]);
  });
  afterAll(async () => {
    await app.close();
  });

  async function rowOf(res: request.Response): Promise<Record<string, unknown>> {
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === res.headers['x-error-id']);
    expect(row).toBeDefined();
    return row!;
  }

  it('stores method, route pattern, path, query (arrays too), params and scrubbed headers of a GET', async () => {
    const res = await request(app.getHttpServer())
      .get('/orders/42?fail=1&tag=a&tag=b&token=tok-qz-9')
      .set('Authorization', 'Bearer secret-token')
      .set('X-Api-Key', 'k-123')
      .set('X-Request-Id', 'req-from-the-client')
      .set('User-Agent', 'parity-test')
      .expect(500);
    const row = await rowOf(res);
    expect(row).toMatchObject({ method: 'GET', route: '/orders/:id', path: '/orders/42', request_id: 'req-from-the-client' });
    expect(row.context).toEqual({
      params: { id: '42' },
      query: { fail: '1', tag: ['a', 'b'], token: '[Filtered]' },
      headers: expect.objectContaining({
        authorization: '[Filtered]',
        'x-api-key': '[Filtered]',
        'x-request-id': 'req-from-the-client',
        'user-agent': 'parity-test',
      }),
    });
    expect(JSON.stringify(row)).not.toMatch(/secret-token|k-123|tok-qz-9/);
  });

  it('stores the body of a POST, scrubbed at any depth', async () => {
    const res = await request(app.getHttpServer())
      .post('/orders/7/notes?q=1')
      .send({ note: 'hi', password: 'hunter2', nested: { secret: 's3', list: [{ api_key: 'a' }] } })
      .expect(500);
    const row = await rowOf(res);
    expect(row).toMatchObject({ method: 'POST', route: '/orders/:id/notes', path: '/orders/7/notes' });
    expect(row.context).toMatchObject({
      params: { id: '7' },
      query: { q: '1' },
      body: { note: 'hi', password: '[Filtered]', nested: { secret: '[Filtered]', list: [{ api_key: '[Filtered]' }] } },
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
    });
    expect(JSON.stringify(row)).not.toMatch(/hunter2|s3"/);
  });

  it('stores a form body like a JSON one, and a text body as the adapter parsed it (Fastify: a string, scrubbed; Express: none)', async () => {
    const form = await rowOf(await request(app.getHttpServer()).post('/orders/7/notes').type('form').send('a=1&password=x&b=2&b=3').expect(500));
    expect(form.context).toMatchObject({ body: { a: '1', b: ['2', '3'], password: '[Filtered]' } });
    const text = await rowOf(await request(app.getHttpServer()).post('/orders/7/notes').type('text/plain').send('password=hunter2 plain').expect(500));
    if (onFastify) expect(text.context).toMatchObject({ body: 'password=[Filtered] plain' });
    else expect(text.context).not.toHaveProperty('body');
  });

  it("keeps the adapter's own request id when the client sends none (Fastify has one, Express none)", async () => {
    const row = await rowOf(await request(app.getHttpServer()).get('/orders/42?fail=1').expect(500));
    if (onFastify) expect(row.request_id).toMatch(/^req-/);
    else expect(row.request_id).toBeNull();
  });

  it('stores the route pattern of a guard error, and of a middleware error where the framework has matched the route', async () => {
    expect(await rowOf(await request(app.getHttpServer()).get('/orders/3/guarded').expect(500))).toMatchObject({
      route: '/orders/:id/guarded',
      path: '/orders/3/guarded',
    });
    // Fastify matches the route before middleware run; Express matches it after them.
    expect(await rowOf(await request(app.getHttpServer()).get('/orders/3/middleware?m=1').expect(500))).toMatchObject({
      route: onFastify ? '/orders/:id/middleware' : null,
      path: '/orders/3/middleware',
      context: expect.objectContaining({ query: { m: '1' } }),
    });
  });

  it("stores a wildcard route in the framework's own spelling", async () => {
    const row = await rowOf(await request(app.getHttpServer()).get('/files/a/b.txt').expect(500));
    expect(row).toMatchObject({ path: '/files/a/b.txt', route: onFastify ? '/files/*' : '/files/{*path}' });
  });
});

describe(`route patterns under a global prefix (now: ${adapterName})`, () => {
  it('include the prefix, as the framework routes them', async () => {
    const service = uniqueService('prefix');
    const ref = await Test.createTestingModule({ imports: [ParityModule.forRoot(options(service))] }).compile();
    const app = await createApp(ref);
    app.setGlobalPrefix('api/v1');
    await initApp(app);
    try {
      const res = await request(app.getHttpServer()).get('/api/v1/orders/9?fail=1').expect(500);
      await flushed(app);
      const row = (await rowsOf(service)).find((r) => r.id === res.headers['x-error-id']);
      expect(row).toMatchObject({ route: '/api/v1/orders/:id', path: '/api/v1/orders/9' });
    } finally {
      await app.close();
    }
  });
});
