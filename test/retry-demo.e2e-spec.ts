import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { flushed, rowsOf } from './support/app.js';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';

describe('demo: GET /demo/retry, a flaky dependency behind the network preset', () => {
  let app: INestApplication;
  let service: string;
  const server = () => app.getHttpServer() as Parameters<typeof request>[0];

  beforeAll(async () => {
    ({ app, service } = await startDemo('retry-demo'));
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers after two dropped connections, saying it took three attempts; nothing is stored', async () => {
    await request(server()).get('/demo/retry').query({ failures: 2 }).expect(200, { ok: true, attempts: 3, policy: 'network' });
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(0);
  });

  it('answers at once without failures', async () => {
    await request(server()).get('/demo/retry').query({ failures: 0 }).expect(200, { ok: true, attempts: 1, policy: 'network' });
  });

  it('gives up after 4 attempts: a 503 and one stored error, the route not replayed', async () => {
    const res = await request(server()).get('/demo/retry').query({ failures: 9 }).expect(503);
    expect(res.text).not.toContain('ECONNRESET');
    await flushed(app);
    const rows = await rowsOf(service);
    expect(rows).toHaveLength(1);
    expect(rows[0].message).toMatch(/call 4\)$/);
  });

  it('the policy counted all of it', async () => {
    const res = await request(server()).get('/api/errors/retry-policies').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ name: 'network', executions: 3, attempts: 3 + 1 + 4, retries: 2 + 3, successes: 2, give_ups: 1, retries_per_success: 2.5 }),
    ]);
  });
});
