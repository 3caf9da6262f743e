import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { calls, RetryModule } from './fixtures/retry.module.js';
import { flushed, rawQuery, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Lets I/O and callbacks run until `done()` holds (real time, no timers involved). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error('condition never held');
}

describe('route timeouts are opt-in', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([RetryModule.forRoot({ service: uniqueService('timeouts'), environment: 'production', database: testDatabase() })]);
  });
  afterAll(() => app.close());
  afterEach(() => jest.useRealTimers());

  it('a healthy route answering in 6 s gets its 200, as without the module (no route timeout by default)', async () => {
    // Fake timers drive the handler's 6 s and any timeout the module would set; I/O stays real.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'hrtime', 'performance'] });
    const before = calls.six;
    const response = request(app.getHttpServer()).get('/r/six').then((res) => res);
    await until(() => calls.six > before);
    await jest.advanceTimersByTimeAsync(6000);
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ waited: 6000 });
    // Served by the handler itself, not rescued by recovery.
    expect(res.headers['x-error-id']).toBeUndefined();
    expect(res.headers['x-recovery']).toBeUndefined();
  });

  it('a request whose route timeout fired is served by its own run under the raised timeout, not run again', async () => {
    const before = calls.late;
    const res = await request(app.getHttpServer()).get('/r/late').expect(200, { late: true });
    expect(res.headers['x-recovery']).toBe('timeout_increase');
    expect(calls.late).toBe(before + 1);
    await flushed(app);
    const [row] = await rawQuery<{ error_type: string; resolved: boolean; recovery_strategy: string }>(
      'SELECT error_type, resolved, recovery_strategy FROM error_logs WHERE id = $1',
      [res.headers['x-error-id']],
    );
    expect(row).toEqual({ error_type: 'TimeoutError', resolved: true, recovery_strategy: 'timeout_increase' });
  });
});
