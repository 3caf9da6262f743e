import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { BulkheadModule, work } from './fixtures/bulkhead.module.js';
import { actionsOf, flushed, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

describe('queue_priority and route bulkheads', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await startApp([BulkheadModule.forRoot({ service: uniqueService('bulkhead'), environment: 'production', adminToken: 't', database: testDatabase() })]);
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
  });

  const effects = async () => (await request(url).get('/api/errors/recovery/effects').set('Authorization', 'Bearer t').expect(200)).body;
  const queued = async (route: string) => ((await effects()).bulkheads as { route: string; queued: number }[]).find((b) => b.route === route)?.queued ?? 0;

  it('puts a failed request back with a boosted priority, ahead of normal requests already waiting', async () => {
    work.latch('F');
    const f = request(url).get('/q/work?id=F&fail=1').then((r) => r);
    await eventually(async () => work.starts.length, (n) => n === 1);
    const n1 = request(url).get('/q/work?id=N1').then((r) => r);
    const n2 = request(url).get('/q/work?id=N2').then((r) => r);
    await eventually(() => queued('GET /q/work'), (n) => n === 2);
    work.latches.get('F')!.open(); // F fails now, while N1 and N2 wait
    const [fr, n1r, n2r] = await Promise.all([f, n1, n2]);
    expect(work.starts).toEqual(['F', 'F', 'N1', 'N2']);
    expect([fr.status, n1r.status, n2r.status]).toEqual([200, 200, 200]);
    expect(fr.headers['x-recovery']).toBe('queue_priority');
    await flushed(app);
    const actions = await actionsOf(fr.headers['x-error-id']);
    expect(actions.map((a) => [a.success, String(a.message).replace(/\d+ ms/, 'N ms')])).toEqual([
      [true, 'requeued at priority normal → high; slot after N ms'],
      [true, 'replay after requeue succeeded'],
    ]);
    expect(await queued('GET /q/work')).toBe(0);
  });

  it('refuses with 503 and Retry-After when the queue is full, storing nothing', async () => {
    work.latch('T1');
    const first = request(url).get('/q/tiny?id=T1').then((r) => r);
    await eventually(async () => ((await effects()).bulkheads as { route: string; active: number }[]).find((b) => b.route === 'GET /q/tiny')?.active ?? 0, (n) => n === 1);
    const refused = await request(url).get('/q/tiny?id=T2').expect(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ error: { error_id: null }, recovery: { message: 'Route at capacity: queue full' } });
    work.latches.get('T1')!.open();
    expect((await first).status).toBe(200);
  });

  it('holds the slot of a route answered by an Observable until the Observable ends', async () => {
    work.latch('S1');
    const first = request(url).get('/q/tiny-stream?id=S1').then((r) => r);
    try {
      await eventually(async () => work.starts.includes('S1'), (started) => started);
      // The handler has returned its Observable, which has not answered yet: the route is still at capacity.
      await request(url).get('/q/tiny-stream?id=S2').expect(503);
    } finally {
      work.latches.get('S1')!.open();
    }
    expect((await first).body).toEqual({ id: 'S1' });
    await request(url).get('/q/tiny-stream?id=S3').expect(200, { id: 'S3' });
  });

  it("lists each route's bulkhead through the admin API", async () => {
    const res = await request(url).get('/api/errors/recovery/effects').set('Authorization', 'Bearer t').expect(200);
    expect(res.body.bulkheads.map((b: { route: string }) => b.route).sort()).toEqual(['GET /q/tiny', 'GET /q/tiny-stream', 'GET /q/work']);
  });
});
