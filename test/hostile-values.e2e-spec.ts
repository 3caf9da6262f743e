import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HostileModule } from './fixtures/hostile.module.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

describe('hostile thrown values are always answered', () => {
  let app: INestApplication;
  const service = uniqueService('hostile');

  beforeAll(async () => {
    app = await startApp([
      HostileModule.forRoot({ service, environment: 'production', adminToken: 't', database: testDatabase(), retry: { delayMs: 1, maxDelayMs: 5 } }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  // Plain Nest answers these in milliseconds; before the fix the client waited forever.
  it.each(['/h/handler', '/h/route', '/h/guard', '/h/middleware'])('answers and stores a Proxy whose every trap throws, thrown at %s', async (path) => {
    const res = await request(app.getHttpServer()).get(path).timeout(3000).expect(500);
    expect(res.body.error).toMatchObject({ type: 'UnknownError', message: 'An unexpected error occurred. Please try again later.' });
    await flushed(app);
    expect((await rowsOf(service)).find((r) => r.id === res.body.error.error_id)).toMatchObject({ error_type: 'UnknownError', path });
  });

  it("answers with plain Nest's fixed 500 when even plain Nest's filter breaks on the value", async () => {
    const res = await request(app.getHttpServer()).get('/h/uncaptured').timeout(3000).expect(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});
