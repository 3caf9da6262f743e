import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { rawQuery } from './support/app.js';
import { startDemo } from './support/demo-app.js';

describe('demo: a checkpointed job resumes at the step that failed', () => {
  let app: INestApplication;
  let service: string;

  beforeAll(async () => {
    ({ app, service } = await startDemo('demo-checkpoint'));
  });
  afterAll(async () => {
    await app.close();
  });

  it('fails at step 3 the first time; run again, it resumes at step 3 and ends without a checkpoint', async () => {
    const first = await request(app.getHttpServer()).get('/demo/checkpoint/o-1?failAt=3').expect(200);
    expect(first.body).toEqual({
      job: 'demo:order:o-1',
      status: 'failed',
      ran: ['validate', 'reserve-stock', 'charge-card'],
      failedAt: 'charge-card',
      error: 'read ECONNRESET (step "charge-card" of order o-1)',
    });
    const saved = await request(app.getHttpServer()).get('/demo/checkpoint/o-1/state').expect(200);
    expect(saved.body.checkpoint.completed).toEqual(['validate', 'reserve-stock']);
    const rows = await rawQuery<{ state: string }>(`SELECT "state" FROM checkpoints WHERE service = $1 AND "key" = 'demo:order:o-1'`, [service]);
    expect(JSON.parse(rows[0].state).completed).toEqual(['validate', 'reserve-stock']);

    const second = await request(app.getHttpServer()).get('/demo/checkpoint/o-1?failAt=3').expect(200);
    expect(second.body).toMatchObject({
      status: 'done',
      ran: ['charge-card', 'ship', 'notify'],
      skipped: ['validate', 'reserve-stock'],
    });
    // The resumed step saw the results the first run saved.
    expect(second.body.results['charge-card']).toEqual({ step: 3, after: ['validate', 'reserve-stock'] });
    await request(app.getHttpServer()).get('/demo/checkpoint/o-1/state').expect(200, { job: 'demo:order:o-1', checkpoint: null });
    expect(await rawQuery(`SELECT 1 FROM checkpoints WHERE service = $1`, [service])).toEqual([]);
  });

  it('an order id the store refuses as a key is a 400 that says why', async () => {
    const res = await request(app.getHttpServer()).get('/demo/checkpoint/o%201').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: 'Invalid checkpoint key: "demo:order:o 1" has characters outside A-Z a-z 0-9 . _ : / -.' });
  });
});
