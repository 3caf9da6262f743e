import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { actionsOf, DEFAULT_BODY_LIMIT_BYTES, flushed, resetBreakers } from './support/app.js';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('admin REST API', () => {
  let app: INestApplication;
  let service: string;

  beforeAll(async () => {
    ({ app, service } = await startDemo('admin'));
  });
  afterAll(async () => {
    await app.close();
  });

  const server = () => app.getHttpServer();

  describe('summary', () => {
    it('counts exactly what was stored, with error types by count', async () => {
      await request(server()).get('/demo/crash').expect(500);
      await request(server()).get('/demo/crash').expect(500);
      await request(server()).get('/demo/db-error').expect(500);
      await request(server()).get('/demo/flaky?failures=9&key=s').expect(503);
      resetBreakers(app); // the failure above opened the route's breaker
      await request(server()).get('/demo/flaky?failures=1&key=r').expect(200);
      const res = await request(server()).get(`/api/errors/summary?service=${service}`).set(auth).expect(200);
      expect(res.body).toEqual({
        total_errors: 5,
        critical_errors: 1,
        high_errors: 2,
        unresolved_errors: 4,
        error_types: [
          { error_type: 'ConnectionError', count: 2 },
          { error_type: 'TypeError', count: 2 },
          { error_type: 'DatabaseError', count: 1 },
        ],
      });
    });

    it('rejects a bad window with 400', async () => {
      await request(server()).get('/api/errors/summary?hours=0').set(auth).expect(400);
      await request(server()).get('/api/errors/summary?hours=abc').set(auth).expect(400);
      await request(server()).get('/api/errors/summary?bogus=1').set(auth).expect(400);
    });
  });

  describe('list, detail, resolve', () => {
    it('filters, pages and sorts by an allow-list', async () => {
      const all = await request(server()).get(`/api/errors?service=${service}&limit=2&page=1`).set(auth).expect(200);
      expect(all.body.total).toBe(5);
      expect(all.body.items).toHaveLength(2);
      const page3 = await request(server()).get(`/api/errors?service=${service}&limit=2&page=3`).set(auth).expect(200);
      expect(page3.body.items).toHaveLength(1);
      const critical = await request(server()).get(`/api/errors?service=${service}&severity=critical`).set(auth).expect(200);
      expect(critical.body.items.map((e: { error_type: string }) => e.error_type)).toEqual(['DatabaseError']);
      const byType = await request(server()).get(`/api/errors?service=${service}&error_type=TypeError&sort=occurred_at&order=asc`).set(auth).expect(200);
      expect(byType.body.total).toBe(2);
      const resolved = await request(server()).get(`/api/errors?service=${service}&resolved=true`).set(auth).expect(200);
      expect(resolved.body.items.map((e: { recovery_strategy: string }) => e.recovery_strategy)).toEqual(['retry']);
      const http = await request(server()).get(`/api/errors?service=${service}&context_type=http`).set(auth).expect(200);
      expect(http.body.total).toBe(5);
      expect(http.body.items[0]).toMatchObject({ context_type: 'http', operation: null });
      const jobs = await request(server()).get(`/api/errors?service=${service}&context_type=job`).set(auth).expect(200);
      expect(jobs.body.total).toBe(0);
      await request(server()).get(`/api/errors?context_type=cron`).set(auth).expect(400);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const none = await request(server()).get(`/api/errors?service=${service}&since=${future}`).set(auth).expect(200);
      expect(none.body.total).toBe(0);
    });

    it('refuses sorting by anything off the allow-list, and oversized pages', async () => {
      await request(server()).get('/api/errors?sort=message').set(auth).expect(400);
      await request(server()).get('/api/errors?sort=id;drop table error_logs').set(auth).expect(400);
      await request(server()).get('/api/errors?limit=1000').set(auth).expect(400);
      await request(server()).get('/api/errors?since=yesterday').set(auth).expect(400);
    });

    it('shows one error with its actions, and resolves it', async () => {
      const crash = await request(server()).get('/demo/crash').expect(500);
      const id = crash.body.error.error_id as string;
      const detail = await request(server()).get(`/api/errors/${id}`).set(auth).expect(200);
      expect(detail.body).toMatchObject({ id, error_type: 'TypeError', resolved: false });
      expect(detail.body.actions).toEqual([
        expect.objectContaining({ position: 0, strategy: 'fallback', skipped: true, trigger: 'automatic' }),
        expect.objectContaining({ position: 1, strategy: 'request_throttle', skipped: true, trigger: 'automatic' }),
      ]);
      const resolved = await request(server()).patch(`/api/errors/${id}/resolve`).set(auth).expect(200);
      expect(resolved.body).toMatchObject({ id, resolved: true });
      expect(Date.parse(resolved.body.resolved_at)).not.toBeNaN();
      await request(server()).get(`/api/errors/not-a-uuid`).set(auth).expect(400);
      await request(server()).get(`/api/errors/00000000-0000-4000-8000-000000000000`).set(auth).expect(404);
      await request(server()).patch(`/api/errors/00000000-0000-4000-8000-000000000000/resolve`).set(auth).expect(404);
    });
  });

  describe('POST /api/errors/recovery/trigger', () => {
    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      await request(server()).post('/api/errors/recovery/trigger').set(auth).send({ error_id: 'nope' }).expect(400);
      await request(server()).post('/api/errors/recovery/trigger').set(auth).send({}).expect(400);
      await request(server())
        .post('/api/errors/recovery/trigger')
        .set(auth)
        .send({ error_id: '00000000-0000-4000-8000-000000000000' })
        .expect(404);
    });

    it('re-runs the plan of a stored error as manual actions appended after the automatic ones', async () => {
      resetBreakers(app);
      const failed = await request(server()).get('/demo/flaky?failures=9&key=manual').expect(503);
      const id = failed.body.error.error_id as string;
      resetBreakers(app); // closed again, so the manual run has something to do
      const res = await request(server()).post('/api/errors/recovery/trigger').set(auth).send({ error_id: id }).expect(200);
      expect(res.body).toEqual({
        success: false,
        error_id: id,
        recovery: {
          attempted: true,
          success: false,
          message: 'Recovery failed: no strategy resolved the error',
          actions: [
            { strategy: 'retry', success: false, skipped: false },
            { strategy: 'circuit_break', success: false, skipped: true },
            { strategy: 'fallback', success: false, skipped: true },
          ],
        },
      });
      // The manual run really acted on the shared target: it counted one failure against the breaker.
      const breakers = await request(server()).get('/api/errors/circuit-breakers').set(auth).expect(200);
      expect(breakers.body.items).toContainEqual(
        expect.objectContaining({ name: 'GET /demo/flaky', state: 'closed', consecutive_failures: 1, window: expect.objectContaining({ calls: 1, failures: 1 }) }),
      );
      await flushed(app);
      const actions = await actionsOf(id);
      const manual = actions.filter((a) => a.trigger === 'manual');
      expect(manual.map((a) => [a.strategy, a.message])).toEqual([
        // supertest has the server listening during the request, so the stored GET was replayed:
        // the route still fails (a replay is answered plainly, without a second recovery).
        ['retry', 'attempt 1 of 3 failed: replay of GET /demo/flaky answered 500'],
        ['circuit_break', 'failure 1 of 5 counted; breaker "GET /demo/flaky" stays closed (1 of 1 calls failed in the window)'],
        ['fallback', 'no fallback: the route has none, no fresh stale response, no fallback upstream configured'],
      ]);
      expect(manual[0].position).toBe(actions.filter((a) => a.trigger === 'automatic').length);
    });
  });

  describe('admin token', () => {
    it('requires the bearer token, compared safely', async () => {
      await request(server()).get('/api/errors/summary').expect(401);
      await request(server()).get('/api/errors/summary').set('Authorization', 'Bearer wrong').expect(401);
      await request(server()).get('/api/errors/summary').set('Authorization', `Bearer ${ADMIN_TOKEN}x`).expect(401);
      await request(server()).get('/api/errors/summary').set('Authorization', `Bearer ${'x'.repeat(5000)}`).expect(401);
      await request(server()).get('/api/errors/summary').set('Authorization', ADMIN_TOKEN).expect(401);
      const res = await request(server()).get('/api/errors/summary').set(auth).expect(200);
      expect(res.body).toHaveProperty('total_errors');
    });

    it('answers a too large body with 413 and malformed JSON with 400, never 500', async () => {
      await request(server())
        .post('/api/errors/recovery/trigger')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ error_id: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES) }))
        .expect(413);
      await request(server())
        .post('/api/errors/recovery/trigger')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"error_id":')
        .expect(400);
    });
  });
});

describe('admin API without a token', () => {
  it('is refused in production with a message saying how to set the token', async () => {
    const { app } = await startDemo('noauth-prod', { environment: 'production', adminToken: '' });
    try {
      const res = await request(app.getHttpServer()).get('/api/errors/summary').expect(403);
      expect(JSON.stringify(res.body)).toMatch(/ERROR_RECOVERY_ADMIN_TOKEN/);
    } finally {
      await app.close();
    }
  });

  it('is open in development', async () => {
    const { app } = await startDemo('noauth-dev', { environment: 'development', adminToken: '' });
    try {
      await request(app.getHttpServer()).get('/api/errors/summary').expect(200);
    } finally {
      await app.close();
    }
  });
});
