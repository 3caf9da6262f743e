import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { type Clock } from '../src/error-recovery/index.js';
import { CircuitBreakerRegistry, type CircuitBreakerView } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { BreakerPolicyModule, calls } from './fixtures/breaker-policy.module.js';
import { actionsOf, flushed, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Time the test moves by hand: breakers read it through the module's clock option. */
const clock = { t: Date.parse('2026-12-03T12:00:00Z'), now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
const auth = { Authorization: 'Bearer t' };

describe('breakers open on evidence, not on one request (module defaults)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([BreakerPolicyModule.forRoot({ service: uniqueService('breaker-policy'), environment: 'production', adminToken: 't', database: testDatabase(), clock })]);
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => request(app.getHttpServer()).get(path);
  const breaker = async (name: string): Promise<CircuitBreakerView | undefined> =>
    ((await get('/api/errors/circuit-breakers').set(auth).expect(200)).body.items as CircuitBreakerView[]).find((b) => b.name === name);

  it('a route failing 30 % of the time (transient, not recovered) keeps its breaker closed over 60 requests', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push((await get('/bp/flaky')).status);
      clock.t += 100; // 10 requests a second: the window holds ~ 100 calls' worth
    }
    expect(statuses.filter((s) => s === 503)).toHaveLength(18); // exactly the handler's failures, no fast-fail
    expect(calls.flaky).toBe(60);
    expect(await breaker('GET /bp/flaky')).toMatchObject({ state: 'closed', trips: 0, counts: { failures: 18, opened: 0 } });
  });

  it('the same dependency with its failures recovered by retries: every request served, nothing counted against the breaker', async () => {
    for (let i = 0; i < 40; i++) {
      await get('/bp/retried').expect(200);
      clock.t += 100;
    }
    const view = await breaker('GET /bp/retried');
    expect(view?.state ?? 'closed').toBe('closed');
    expect(view?.counts.failures ?? 0).toBe(0);
  });

  it('circuit_break counts the failure once and reports it skipped until the rule opens the breaker (5 in a row)', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await get('/bp/down').expect(503);
      expect(res.body.recovery.actions).toEqual([{ strategy: 'circuit_break', success: false, skipped: true }]);
      ids.push(res.body.error.error_id as string);
      // counted once per request: by the strategy, not again by the interceptor
      expect(await breaker('GET /bp/down')).toMatchObject({ state: 'closed', consecutive_failures: i, counts: { failures: i } });
    }
    const fifth = await get('/bp/down').expect(503);
    expect(fifth.body.recovery.actions).toEqual([{ strategy: 'circuit_break', success: true, skipped: false }]);
    ids.push(fifth.body.error.error_id as string);
    const view = await breaker('GET /bp/down');
    expect(view).toMatchObject({ state: 'open', trips: 1, open_duration_ms: 5_000, counts: { failures: 5, opened: 1 } });

    await flushed(app);
    expect((await actionsOf(ids[1]))[0]).toMatchObject({ strategy: 'circuit_break', skipped: true, message: expect.stringMatching(/^failure 2 of 5 counted; breaker "GET \/bp\/down" stays closed/) });
    expect((await actionsOf(ids[4]))[0]).toMatchObject({ strategy: 'circuit_break', success: true, message: 'breaker "GET /bp/down" opened for 5 s (5 consecutive failures; trip 1)' });

    // open: fails fast without calling the handler
    const before = calls.down;
    const refused = await get('/bp/down').expect(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(calls.down).toBe(before);
  });

  it('a failed probe re-opens it for longer (base × trips), listed in the admin view', async () => {
    clock.t += 5_000;
    await get('/bp/down').expect(503); // the probe, failing
    expect(await breaker('GET /bp/down')).toMatchObject({ state: 'open', trips: 2, open_duration_ms: 10_000 });
    clock.t += 5_000;
    const stillOpen = await get('/bp/down').expect(503);
    expect(stillOpen.headers['retry-after']).toBe('5');
  });

  it("the route's own timeout is not a dependency failure: a slow route never opens its breaker", async () => {
    for (let i = 0; i < 7; i++) await get('/bp/slow').expect(503);
    const view = await breaker('GET /bp/slow');
    expect(view?.state ?? 'closed').toBe('closed');
    expect(view?.counts.failures ?? 0).toBe(0);
  });

  it('a dependency that never answers, even under the raised timeout, opens the breaker (5 in a row) and then fails fast', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await get('/bp/hanging').expect(503);
      expect(res.headers['x-error-id']).toBeDefined();
    }
    expect(await breaker('GET /bp/hanging')).toMatchObject({ state: 'open', trips: 1, counts: { failures: 5, opened: 1 } });
    const handlerRuns = calls.hanging; // 6: the first request was also replayed once under the raised timeout
    const fast = await get('/bp/hanging').expect(503);
    expect(fast.headers['x-error-id']).toBeUndefined(); // refused by the open breaker
    expect(fast.headers['retry-after']).toBe('5');
    expect(calls.hanging).toBe(handlerRuns); // the handler did not run
  });

  it('a request served late by its own run (timeout_increase) is a success for the breaker: failures around it are not consecutive', async () => {
    await get('/bp/mixed?fail=1').expect(503);
    const late = await get('/bp/mixed').expect(200, { ok: true });
    expect(late.headers['x-recovery']).toBe('timeout_increase');
    await get('/bp/mixed?fail=1').expect(503);
    expect(await breaker('GET /bp/mixed')).toMatchObject({ state: 'closed', consecutive_failures: 1, window: { calls: 3, failures: 2 } });
  });

  it('requests the bulkhead refused never reached the handler: they do not enlarge the retry budget', async () => {
    calls.closeGate();
    const held = get('/bp/bulk?hold=1').then((r) => r.status);
    while (calls.bulk === 0) await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 10; i++) await get('/bp/bulk').expect(503);
    calls.gate.open();
    expect(await held).toBe(200);
    const before = calls.bulk;
    await get('/bp/bulk?fail=1').expect(503);
    // Two requests reached the handler: 0.5 × 2 = 1 retry, not 0.5 × 12 = 6 (all 3 attempts).
    expect(calls.bulk - before).toBe(2);
  });

  it('a probe refused by the bulkhead gives its slot back: the breaker does not stay half-open', async () => {
    const breakers = app.get(CircuitBreakerRegistry);
    calls.closeGate();
    // A holds the only bulkhead slot; it was let in while the breaker was closed.
    const a = get('/bp/gated?hold=1').then((r) => r.status);
    while (calls.gated === 0) await new Promise((resolve) => setImmediate(resolve));
    breakers.open('GET /bp/gated');
    clock.t += 5_000;
    // B is the half-open probe, but the bulkhead refuses it before its handler runs.
    await get('/bp/gated').expect(503);
    expect(calls.gated).toBe(1);
    // A finishes now, during half-open: not a probe, so it decides nothing.
    calls.gate.open();
    expect(await a).toBe(200);
    expect(await breaker('GET /bp/gated')).toMatchObject({ state: 'half_open', probes: { in_flight: 0, succeeded: 0 } });
    // C gets B's probe slot, runs, and closes the breaker.
    await get('/bp/gated').expect(200, { ok: true });
    expect(await breaker('GET /bp/gated')).toMatchObject({ state: 'closed', trips: 1 });
  });
});
