import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RecoveryEvents, type CircuitEvent, type Clock } from '../src/error-recovery/index.js';
import { BreakerModule, dependency } from './fixtures/breaker.module.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Time the test moves by hand: breakers read it through the module's clock option. */
const clock = { t: Date.parse('2026-11-22T12:00:00Z'), now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
const auth = { Authorization: 'Bearer t' };

describe('circuit breakers', () => {
  let app: INestApplication;
  const events: CircuitEvent[] = [];

  beforeAll(async () => {
    app = await startApp([BreakerModule.forRoot({ service: uniqueService('breaker'), environment: 'production', adminToken: 't', database: testDatabase(), clock })]);
    app.get(RecoveryEvents).on('circuit.opened', (e) => events.push(e));
    app.get(RecoveryEvents).on('circuit.half_open', (e) => events.push(e));
    app.get(RecoveryEvents).on('circuit.closed', (e) => events.push(e));
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const breaker = async (name: string) =>
    ((await get('/api/errors/circuit-breakers').set(auth).expect(200)).body.items as { name: string; state: string; counts: Record<string, number> }[]).find((b) => b.name === name);

  it('opens after the threshold of consecutive dependency failures, then fails fast without calling the handler', async () => {
    dependency.up = false;
    for (let i = 0; i < 3; i++) await get('/dep').expect(503);
    expect(await breaker('GET /dep')).toMatchObject({ state: 'open', counts: { failures: 3, opened: 1 } });
    const callsBefore = dependency.calls;
    const refused = await get('/dep').expect(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body.error).toMatchObject({ type: 'ServiceUnavailableError', error_id: null });
    expect(dependency.calls).toBe(callsBefore);
    expect(events.at(-1)).toMatchObject({ name: 'GET /dep', from: 'closed', to: 'open', reason: 'threshold' });
  });

  it('lets one probe through after the open time; a failed probe re-opens it', async () => {
    clock.t += 30_000;
    const calls = dependency.calls;
    await get('/dep').expect(503); // the probe ran the handler and failed
    expect(dependency.calls).toBe(calls + 1);
    expect(await breaker('GET /dep')).toMatchObject({ state: 'open' });
    expect(events.slice(-2).map((e) => [e.to, e.reason])).toEqual([['half_open', 'timeout_elapsed'], ['open', 'probe_failed']]);
  });

  it('closes after a successful probe (the second trip stays open twice as long)', async () => {
    clock.t += 30_000;
    expect((await get('/dep').expect(503)).headers['retry-after']).toBe('30'); // trip 2: 2 × 30 s
    clock.t += 30_000;
    dependency.up = true;
    await get('/dep').expect(200);
    expect(await breaker('GET /dep')).toMatchObject({ state: 'closed' });
    expect(events.at(-1)).toMatchObject({ to: 'closed', reason: 'probe_succeeded' });
    await get('/dep').expect(200);
  });

  it('is opened by the circuit_break strategy once its rule says so (not on one request), shared by routes naming the same dependency', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await get('/dep/a?fail=1').expect(503);
      expect(res.body.recovery.actions).toEqual([{ strategy: 'circuit_break', success: false, skipped: true }]);
      await get('/dep/b').expect(200); // a success of the dependency resets the run…
      await get('/dep/a?fail=1').expect(503); // …so the count starts again
    }
    expect(await breaker('payments-api')).toMatchObject({ state: 'closed', consecutive_failures: 1 });
    for (let i = 0; i < 3; i++) await get('/dep/a?fail=1').expect(503);
    const res = await get('/dep/a?fail=1').expect(503);
    expect(res.body.recovery.actions).toEqual([{ strategy: 'circuit_break', success: true, skipped: false }]);
    expect(await breaker('payments-api')).toMatchObject({ state: 'open' });
    await get('/dep/b').expect(503); // another route, same dependency
  });

  it('can be reset through the admin API (404 for an unknown name)', async () => {
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/payments-api/reset').expect(401);
    const reset = await request(app.getHttpServer()).post('/api/errors/circuit-breakers/payments-api/reset').set(auth).expect(200);
    expect(reset.body).toMatchObject({ name: 'payments-api', state: 'closed' });
    await get('/dep/b').expect(200, { route: 'b' });
    await request(app.getHttpServer()).post('/api/errors/circuit-breakers/nope/reset').set(auth).expect(404);
  });

  it('never opens for a bug: only dependency failures count', async () => {
    for (let i = 0; i < 3; i++) await get('/dep/bug').expect(500);
    expect((await breaker('GET /dep/bug'))?.state ?? 'closed').toBe('closed');
  });
});
