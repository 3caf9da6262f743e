import { HttpException } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { classifyError } from '../classify/error-classifier.js';
import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { systemClock } from '../resilience/clock.js';
import { StaleResponseCache } from '../state/stale-response.cache.js';
import { ThrottleRegistry } from '../state/throttle.registry.js';
import { FallbackStrategy } from './fallback.strategy.js';
import type { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import type { RecoveryContext, RecoveryStrategy } from './recovery-strategy.interface.js';
import { RequestThrottleStrategy } from './request-throttle.strategy.js';

const options = resolveOptions({}, {});
const route = { key: 'GET /orders', method: 'GET', pattern: '/orders' };
const get = { raw: {}, method: 'GET', url: '/orders?page=1', headers: {}, body: undefined, client: 'ip:10.0.0.1' };

/** skipReason must agree with execute: a reason exactly when execute reports that one skipped step. */
async function agrees(strategy: RecoveryStrategy, ctx: Omit<RecoveryContext, 'budget'>): Promise<string | undefined> {
  const reason = strategy.skipReason!(ctx);
  const budget = new RecoveryBudget(systemClock, 5000);
  try {
    const outcome = await strategy.execute({ ...ctx, budget });
    const onlySkip = !outcome.resolved && outcome.steps.length === 1 && outcome.steps[0]!.skipped ? outcome.steps[0]!.message : undefined;
    if (reason !== undefined) expect(onlySkip).toBe(reason);
    return reason;
  } finally {
    budget.dispose();
  }
}

describe('skipReason agrees with execute', () => {
  it('fallback: nothing applies → the reason; a fresh stale response or a fallback upstream → may act', async () => {
    const stale = new StaleResponseCache(options);
    const fallback = new FallbackStrategy({} as ModuleRef, stale, {} as FallbackChains);
    const boom = (c: Partial<Omit<RecoveryContext, 'budget'>> = {}) => specContext({ route, request: get, classification: classifyError(new Error('x'), { environment: 'production' }), ...c });
    expect(await agrees(fallback, boom())).toMatch(/^no fallback/);
    expect(await agrees(fallback, boom({ request: undefined }))).toMatch(/^no fallback/);
    stale.set(StaleResponseCache.key(route.key, get.url), { ok: 1 }, { maxEntries: 10, maxBytes: 10_000, maxEntryBytes: 1000 } as never);
    expect(fallback.skipReason(boom())).toBeUndefined();
    const upstream = { ...options.parameters, fallback: { ...options.parameters.fallback, upstreamUrl: 'http://127.0.0.1:9/' } };
    expect(fallback.skipReason(boom({ route: { ...route, key: 'GET /other' }, parameters: upstream }))).toBeUndefined();
    expect(fallback.skipReason(boom({ routeOptions: { fallback: () => ({}) } }))).toBeUndefined();
    expect(fallback.skipReason(boom({ routeOptions: { fallbackChain: 'llm' } }))).toBeUndefined();
  });

  it('request_throttle: no route, a bug, an unknown client → the reason; an overload signal → may act', async () => {
    const throttle = new RequestThrottleStrategy(new ThrottleRegistry(options, new RecoveryEvents()));
    const bug = classifyError(new TypeError('x is undefined'), { environment: 'production' });
    expect(await agrees(throttle, specContext({ classification: bug }))).toBe('no route to throttle');
    expect(await agrees(throttle, specContext({ route, classification: bug }))).toMatch(/^not an overload signal/);
    const clientError = new HttpException('bad', 400);
    const c400 = classifyError(clientError, { environment: 'production' });
    expect(await agrees(throttle, specContext({ route, error: clientError, classification: c400, request: { ...get, client: undefined } }))).toBe('per-client throttle, but the client is not known');
    expect(throttle.skipReason(specContext({ route, error: clientError, classification: c400, request: get }))).toBeUndefined();
  });
});
