import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ErrorRecoveryStats } from '../src/error-recovery/index.js';
import { ErrorPipeline } from '../src/error-recovery/error-pipeline.js';
import { chargeCalls, nestedCalls, ScenarioModule } from './fixtures/scenario.module.js';
import { actionsOf, createApp, flushed, initApp, rowsOf, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const base = (service: string) => ({
  service,
  environment: 'production',
  adminToken: 't',
  database: testDatabase(),
  retry: { delayMs: 1, maxDelayMs: 5 },
});

describe('capture paths (global filter + interceptor)', () => {
  let app: INestApplication;
  const service = uniqueService('paths');

  beforeAll(async () => {
    app = await startApp([ScenarioModule.forRoot({ ...base(service), capture: { statuses: [] } })]);
  });
  afterAll(async () => {
    await app.close();
  });

  async function rowFor(id: string): Promise<Record<string, unknown>> {
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.id === id);
    expect(row).toBeDefined();
    return row!;
  }

  it('captures an error thrown by a guard (the interceptor never sees it)', async () => {
    const res = await request(app.getHttpServer()).get('/s/guarded').expect(500);
    const row = await rowFor(res.body.error.error_id);
    expect(row).toMatchObject({ error_type: 'Error', route: '/s/guarded', message: 'guard exploded' });
    const actions = await actionsOf(String(row.id));
    // A plain Error is low severity and permanent: the low plan is retry → fallback, and a
    // permanent error never plans a retry.
    expect(actions.map((a) => [a.strategy, a.skipped, a.message])).toEqual([
      ['fallback', true, 'no fallback: the route has none, no fresh stale response, no fallback upstream configured'],
    ]);
  });

  it('captures an error thrown by middleware', async () => {
    const res = await request(app.getHttpServer()).get('/s/middleware').expect(500);
    const row = await rowFor(res.body.error.error_id);
    expect(row).toMatchObject({ message: 'middleware exploded', path: '/s/middleware' });
  });

  it("leaves a user's own filter in charge of its errors, and still stores them", async () => {
    const res = await request(app.getHttpServer()).get('/teapot').expect(418);
    expect(res.body).toEqual({ teapot: true });
    await flushed(app);
    expect((await rowsOf(service)).some((r) => r.message === 'handled by the user filter')).toBe(true);
  });

  it('answers an ordinary 4xx like plain Nest, without a row', async () => {
    const before = (await rowsOf(service)).length;
    const res = await request(app.getHttpServer()).get('/s/not-found').expect(404);
    expect(res.body).toEqual({ statusCode: 404, message: 'No such order', error: 'Not Found' });
    await flushed(app);
    expect(await rowsOf(service)).toHaveLength(before);
  });

  it('captures 401 (security-relevant) with its own message passed through', async () => {
    const res = await request(app.getHttpServer()).get('/s/unauthorized').expect(401);
    expect(res.body.error).toMatchObject({ type: 'AuthenticationError', message: 'Token expired' });
    const row = await rowFor(res.body.error.error_id);
    expect(row).toMatchObject({ http_status: 401, transient: false });
  });

  it('captures an outbound HTTP client error with a status as an APIError (502)', async () => {
    const res = await request(app.getHttpServer()).get('/s/upstream').expect(502);
    expect(res.body.error.type).toBe('APIError');
    const row = await rowFor(res.body.error.error_id);
    expect(row).toMatchObject({ error_type: 'APIError', transient: true });
  });

  it('leaves a route with capture: false to plain Nest, in the filter too', async () => {
    const res = await request(app.getHttpServer()).get('/s/not-captured').expect(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    await flushed(app);
    expect((await rowsOf(service)).some((r) => r.message === 'left alone')).toBe(false);
  });

  it('stores an error once when withRecovery() inside the handler already captured it', async () => {
    const before = nestedCalls;
    const res = await request(app.getHttpServer()).get('/s/nested-recovery').expect(503);
    expect(nestedCalls - before).toBe(3); // the call and withRecovery's 2 retries; the interceptor adds none
    await flushed(app);
    const rows = (await rowsOf(service)).filter((r) => r.message === 'nested: socket hang up');
    expect(rows.map((r) => r.id)).toEqual([res.body.error.error_id]);
  });

  it('withRecovery() never runs the function again unless told it is replay-safe (a payment is charged once)', async () => {
    const before = chargeCalls;
    const res = await request(app.getHttpServer()).get('/s/charge');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(chargeCalls - before).toBe(1);
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.message === 'payment gateway: socket hang up');
    expect(row).toMatchObject({ error_type: 'ConnectionError', recovery_success: false });
    const retry = (await actionsOf(String(row!.id))).find((a) => a.strategy === 'retry');
    expect(retry).toMatchObject({ success: false, skipped: true, message: 'not replay-safe' });
  });

  it('withRecovery({ replaySafe: true }) re-runs the function, stores the error and scrubs its context', async () => {
    const res = await request(app.getHttpServer()).get('/s/with-recovery').expect(200);
    expect(res.body).toEqual({ value: 2 });
    await flushed(app);
    const row = (await rowsOf(service)).find((r) => r.message === 'socket hang up');
    expect(row).toMatchObject({ error_type: 'ConnectionError', recovery_success: true, recovery_strategy: 'retry', method: null });
    expect(row!.context).toEqual({ extra: { job: 'nightly', password: '[Filtered]' } });
  });
});

describe('capture.statuses', () => {
  it('stores the extra statuses it names', async () => {
    const service = uniqueService('statuses');
    const app = await startApp([ScenarioModule.forRoot({ ...base(service), capture: { statuses: [404] } })]);
    try {
      const res = await request(app.getHttpServer()).get('/s/not-found').expect(404);
      expect(res.body.error).toMatchObject({ type: 'NotFoundError', message: 'No such order' });
      await flushed(app);
      expect((await rowsOf(service)).map((r) => r.http_status)).toEqual([404]);
    } finally {
      await app.close();
    }
  });
});

describe('global: false', () => {
  it('captures only routes opted in with @AiErrorHandler()', async () => {
    const service = uniqueService('optin');
    const app = await startApp([ScenarioModule.forRoot(base(service), false)]);
    try {
      const plain = await request(app.getHttpServer()).get('/s/plain').expect(500);
      expect(plain.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      const decorated = await request(app.getHttpServer()).get('/s/decorated').expect(500);
      expect(decorated.body.error.type).toBe('Error');
      await flushed(app);
      expect(await rowsOf(service)).toHaveLength(0);
      expect((await rowsOf('decorated-service')).map((r) => r.id)).toContain(decorated.body.error.error_id);
    } finally {
      await app.close();
    }
  });
});

describe('when the module itself breaks', () => {
  it('answers as plain Nest and counts the fault', async () => {
    const service = uniqueService('fault');
    class BrokenCapture extends ErrorPipeline {
      override capture(): never {
        throw new Error('capture is broken');
      }
    }
    const { Test } = await import('@nestjs/testing');
    const ref = await Test.createTestingModule({ imports: [ScenarioModule.forRoot(base(service))] })
      .overrideProvider(ErrorPipeline)
      .useClass(BrokenCapture)
      .compile();
    const app = await initApp(await createApp(ref, { logger: false }));
    try {
      const res = await request(app.getHttpServer()).get('/s/plain').expect(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      const guarded = await request(app.getHttpServer()).get('/s/guarded').expect(500);
      expect(guarded.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      const stats = app.get(ErrorRecoveryStats);
      expect(stats.faults.interceptor).toBe(1);
      expect(stats.faults.filter).toBe(2); // /s/plain reached the filter too
    } finally {
      await app.close();
    }
  });
});

describe('a broken gate (e.g. a shared breaker store that is down)', () => {
  it('lets healthy requests through as plain Nest and counts the fault', async () => {
    const broken = { get: () => { throw new Error('store down'); }, set: () => undefined, delete: () => false, entries: () => [] };
    const app = await startApp([ScenarioModule.forRoot({ ...base(uniqueService('gate')), circuitStateStore: broken })]);
    try {
      await request(app.getHttpServer()).get('/s/with-recovery').expect(200);
      expect(app.get(ErrorRecoveryStats).faults.interceptor).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});

describe('exposeDetails', () => {
  it('is ignored outside development', async () => {
    const service = uniqueService('expose-prod');
    const app = await startApp([ScenarioModule.forRoot({ ...base(service), exposeDetails: true })]);
    try {
      const res = await request(app.getHttpServer()).get('/s/plain').expect(500);
      expect(res.body.error.details).toBeUndefined();
      expect(res.text).not.toMatch(/plain failure|ScenarioController/);
    } finally {
      await app.close();
    }
  });

  it('adds message and stack in development when asked', async () => {
    const service = uniqueService('expose-dev');
    const app = await startApp([ScenarioModule.forRoot({ ...base(service), environment: 'development', exposeDetails: true })]);
    try {
      const res = await request(app.getHttpServer()).get('/s/plain').expect(500);
      expect(res.body.error.details.message).toBe('plain failure');
      expect(res.body.error.details.stack).toMatch(/ScenarioController/);
    } finally {
      await app.close();
    }
  });
});
