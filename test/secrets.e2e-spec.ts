import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { flushed, rawQuery } from './support/app.js';
import { startDemo } from './support/demo-app.js';

const SECRETS = {
  header: 'HDR-SECRET-a1b2c3',
  apiKey: 'APIKEY-SECRET-d4e5f6',
  cookie: 'COOKIE-SECRET-g7h8',
  query: 'QUERY-SECRET-i9j0',
  body: 'BODY-SECRET-k1l2',
  nested: 'NESTED-SECRET-m3n4',
};
const CARD = '4111 1111 1111 1111';

describe('secrets never reach the stored row', () => {
  let app: INestApplication;
  let service: string;

  beforeAll(async () => {
    ({ app, service } = await startDemo('secrets'));
  });
  afterAll(async () => {
    await app.close();
  });

  async function storedText(id: string): Promise<string> {
    await flushed(app);
    const [row] = await rawQuery<{ t: string }>(`SELECT row_to_json(e)::text AS t FROM error_logs e WHERE id = $1`, [id]);
    return row.t;
  }

  it('scrubs headers and query parameters', async () => {
    const res = await request(app.getHttpServer())
      .get(`/demo/crash?token=${SECRETS.query}&page=2`)
      .set('Authorization', `Bearer ${SECRETS.header}`)
      .set('X-Api-Key', SECRETS.apiKey)
      .set('Cookie', `session=${SECRETS.cookie}`)
      .set('X-Request-Id', 'req-42')
      .expect(500);
    const text = await storedText(res.body.error.error_id);
    for (const secret of [SECRETS.header, SECRETS.apiKey, SECRETS.cookie, SECRETS.query]) expect(text).not.toContain(secret);
    const row = JSON.parse(text) as { request_id: string; context: Record<string, Record<string, unknown>> };
    expect(row.request_id).toBe('req-42');
    expect(row.context.query).toEqual({ token: '[Filtered]', page: '2' });
    expect(row.context.headers).toMatchObject({ authorization: '[Filtered]', 'x-api-key': '[Filtered]', cookie: '[Filtered]' });
  });

  it('scrubs secrets that recovery steps quote in their messages', async () => {
    // The flaky route's error message is recorded by each retry attempt's action.
    const key = 'postgres://app:S3cretPw@db.internal/orders';
    await request(app.getHttpServer()).get(`/demo/flaky?failures=9&key=${encodeURIComponent(key)}`).expect(503);
    await flushed(app);
    const rows = await rawQuery<{ t: string }>(`SELECT string_agg(a.message, ' | ') AS t FROM recovery_actions a JOIN error_logs e ON e.id = a.error_log_id WHERE e.service = $1 AND e.path = '/demo/flaky'`, [service]);
    expect(rows[0].t).toMatch(/attempt 1 of 3 failed/);
    expect(rows[0].t).not.toContain('S3cretPw');
  });

  it('scrubs the body at any depth, and card numbers in free text', async () => {
    const res = await request(app.getHttpServer())
      .post('/demo/flaky?failures=1&key=secret-body')
      .send({
        password: SECRETS.body,
        profile: { name: 'Ann', credentials: { client_secret: SECRETS.nested } },
        items: [{ api_key: SECRETS.nested }],
        note: `pay with ${CARD} please`,
      })
      .expect(503);
    const text = await storedText(res.body.error.error_id);
    for (const secret of [SECRETS.body, SECRETS.nested, CARD, '4111111111111111']) expect(text).not.toContain(secret);
    const row = JSON.parse(text) as { context: { body: Record<string, unknown> } };
    expect(row.context.body).toMatchObject({ password: '[Filtered]', profile: { name: 'Ann', credentials: '[Filtered]' } });
  });
});
