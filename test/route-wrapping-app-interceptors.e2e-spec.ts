import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RouteGates } from '../src/error-recovery/capture/route-gates.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { calls, WrappingModule } from './fixtures/wrapping.module.js';
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

  it('counts the failure of an Observable a handler returns against its breaker, and recovers it like a promise', async () => {
    const before = calls.upstream;
    const res = await request(app.getHttpServer()).get('/w/upstream').expect(503);
    expect(res.headers['x-error-id']).toBeDefined();
    // The retry strategy ran the handler again (a dependency error is transient).
    expect(calls.upstream - before).toBeGreaterThan(1);
    const breakerOf = () => app.get(CircuitBreakerRegistry).list().find((b) => b.name === 'GET /w/upstream');
    expect(breakerOf()?.counts.failures).toBe(1);
    // Now the breaker has a state: the next request is admitted through it (the gated path).
    await request(app.getHttpServer()).get('/w/upstream').expect(503);
    expect(breakerOf()?.counts).toMatchObject({ failures: 2, successes: 0 });
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.path === '/w/upstream')).toHaveLength(2);
  });
});
