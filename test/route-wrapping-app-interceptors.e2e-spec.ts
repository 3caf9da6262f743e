import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RouteGates } from '../src/error-recovery/capture/route-gates.js';
import { WrappingModule } from './fixtures/wrapping.module.js';
import { flushed, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

describe('wrapped routes and what sits around them', () => {
  let app: INestApplication;
  const service = uniqueService('wrapping-around');

  beforeAll(async () => {
    app = await startApp([WrappingModule.forRoot({ service, environment: 'production', database: testDatabase() })]);
  });
  afterAll(async () => {
    await app.close();
  });

  it("stores one row when the app's interceptor maps a captured handler error to another captured one", async () => {
    const res = await request(app.getHttpServer()).get('/w/mapped').expect(502);
    // The app's mapping sets the status, as without the module.
    expect(res.body.error.type).toBe('APIError');
    await flushed(app);
    const rows = await rowsOf(service);
    expect(rows.map((r) => r.path)).toEqual(['/w/mapped']);
    // The answer names the row that records this request's failure.
    expect(res.headers['x-error-id']).toBe(rows[0].id);
  });

  it('a 404 thrown by a handler does not put its route on the gated path', async () => {
    const gates = app.get(RouteGates);
    const admit = jest.spyOn(gates, 'admit');
    try {
      const server = app.getHttpServer();
      await request(server).get('/w/items/missing').expect(404);
      await request(server).get('/w/items/7').expect(200, { id: '7' });
      await request(server).get('/w/items/8').expect(200, { id: '8' });
      expect(admit.mock.calls.length).toBe(0);
    } finally {
      admit.mockRestore();
    }
  });
});
