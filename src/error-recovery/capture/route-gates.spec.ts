import type { ModuleRef } from '@nestjs/core';
import { resolveOptions } from '../error-recovery-options.js';
import { CircuitOpenError } from '../errors/circuit-open.error.js';
import type { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import { RouteTimeouts } from '../state/route-timeouts.registry.js';
import { StaleResponseCache } from '../state/stale-response.cache.js';
import type { ThrottleRegistry } from '../state/throttle.registry.js';
import type { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import { RouteGates } from './route-gates.js';
import type { RouteSetup } from './route-resolver.js';

describe('RouteGates.answerOpen (an open breaker on a route with a fallback)', () => {
  const options = resolveOptions({}, {});
  const gates = new RouteGates({} as CircuitBreakerRegistry, {} as ThrottleRegistry, {} as RouteTimeouts, new StaleResponseCache(options), {} as ModuleRef, options, {} as FallbackChains);
  const context = { controller: class Orders {} };
  const setup = (fallback: () => unknown): RouteSetup => ({ route: { key: 'GET /orders', method: 'GET', pattern: '/orders' }, options: { fallback }, breaker: 'GET /orders' });
  const open = new CircuitOpenError('GET /orders', 5000);

  it("answers with the fallback's value, marked degraded", async () => {
    await expect(gates.answerOpen(context, { originalUrl: '/orders' }, setup(() => ({ cached: true })), open)).resolves.toEqual({
      value: { cached: true },
      headers: { 'X-Recovery': 'fallback', 'X-Degraded': 'true' },
    });
  });

  it('refuses with the open breaker when the fallback throws: a 503 with Retry-After, not a new error stored per refused request', async () => {
    const broken = () => {
      throw new TypeError('cache miss');
    };
    await expect(gates.answerOpen(context, { originalUrl: '/orders' }, setup(broken), open)).rejects.toBe(open);
  });

  it('refuses with the open breaker when the fallback returns undefined, instead of an empty 200', async () => {
    await expect(gates.answerOpen(context, { originalUrl: '/orders' }, setup(() => undefined), open)).rejects.toBe(open);
  });
});

describe('RouteGates.timeoutFor', () => {
  const options = resolveOptions({}, {});
  const gates = new RouteGates({} as CircuitBreakerRegistry, {} as ThrottleRegistry, new RouteTimeouts(options), new StaleResponseCache(options), {} as ModuleRef, options, {} as FallbackChains);
  const route = { key: 'GET /x', method: 'GET', pattern: '/x' };

  it.each<[number, number]>([
    [5000, 5000],
    [0, 0],
    [Infinity, 0],
    [Number.NaN, 0],
    [Number.MAX_SAFE_INTEGER, 2_147_483_647],
  ])('a route timeoutMs of %d ms runs as %d ms (a timer past its range would fire at once; none for Infinity)', (timeoutMs, expected) => {
    expect(gates.timeoutFor({ route, options: { timeoutMs }, breaker: null })).toBe(expected);
  });
});
