import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { actionsOf, flushed, resetBreakers, rowsOf } from './support/app.js';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('manual recovery replays a stored GET against the app itself', () => {
  let app: INestApplication;
  let service: string;
  let url: string;

  beforeAll(async () => {
    ({ app, service } = await startDemo('manual-replay'));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
  });

  it('retries the stored request and records the manual success, without a second row', async () => {
    // 4 failures: the call and its 3 automatic retries all fail; the 5th call will succeed.
    const failed = await request(url).get('/demo/flaky?failures=4&key=manual-replay').expect(503);
    const id = failed.body.error.error_id as string;
    resetBreakers(app); // the automatic run opened the route's breaker
    const res = await request(url).post('/api/errors/recovery/trigger').set(auth).send({ error_id: id }).expect(200);
    expect(res.body).toMatchObject({ success: true, recovery: { success: true, actions: [{ strategy: 'retry', success: true }] } });
    await flushed(app);
    const rows = await rowsOf(service);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, recovery_success: true, recovery_strategy: 'retry' });
    const manual = (await actionsOf(id)).filter((a) => a.trigger === 'manual');
    expect(manual.map((a) => [a.strategy, a.success])).toEqual([['retry', true]]);
  });

  it('does not replay a request whose query had secrets removed', async () => {
    resetBreakers(app);
    const failed = await request(url).get('/demo/flaky?failures=9&key=secret-q&token=abc').expect(503);
    resetBreakers(app);
    const res = await request(url).post('/api/errors/recovery/trigger').set(auth).send({ error_id: failed.body.error.error_id }).expect(200);
    expect(res.body.recovery.actions[0]).toEqual({ strategy: 'retry', success: false, skipped: true });
    await flushed(app);
    const manual = (await actionsOf(failed.body.error.error_id)).filter((a) => a.trigger === 'manual');
    expect(manual[0].message).toBe('the stored query had secrets removed; it cannot be replayed faithfully');
  });
});
