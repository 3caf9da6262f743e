import 'reflect-metadata';
import type { ModuleRef } from '@nestjs/core';
import { resolveOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { systemClock } from '../resilience/clock.js';
import { StaleResponseCache } from '../state/stale-response.cache.js';
import { breakersSetup } from '../toolkit/breakers/breakers.spec-helper.js';
import { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import { FallbackStrategy } from './fallback.strategy.js';

const down = (what: string) => (): never => {
  throw Object.assign(new Error(`connect ECONNREFUSED (${what})`), { code: 'ECONNREFUSED' });
};

describe('fallback strategy with a route fallbackChain', () => {
  const options = resolveOptions({}, {});
  function strategy() {
    const { breakers } = breakersSetup();
    const chains = new FallbackChains(breakers, options, new RecoveryEvents());
    return { chains, fallback: new FallbackStrategy({} as ModuleRef, new StaleResponseCache(options), chains) };
  }

  async function run(fallback: FallbackStrategy, routeOptions: object) {
    const budget = new RecoveryBudget(systemClock, 5000);
    try {
      return await fallback.execute({ ...specContext({ routeOptions }), budget });
    } finally {
      budget.dispose();
    }
  }

  it("answers with the chain's value, gives the providers the error, and records the tier", async () => {
    const { chains, fallback } = strategy();
    let seen: unknown;
    chains.define('quotes', { providers: [{ name: 'main', call: down('main') }, { name: 'replica', call: (input: { error: unknown }) => ((seen = input.error), { quote: 'q' }) }] });
    const outcome = await run(fallback, { fallbackChain: 'quotes' });
    expect(outcome).toMatchObject({ resolved: true, result: { quote: 'q' }, headers: { 'X-Recovery': 'fallback-chain', 'X-Degraded': 'true' } });
    expect(outcome.steps.map((s) => [s.success, s.details])).toEqual([[true, { source: 'chain', chain: 'quotes', tier: 2, provider: 'replica' }]]);
    expect((seen as Error).message).toBe('read ECONNRESET');
  });

  it("a chain with no answer is a failed step naming each tier's reason; the route's own fallback still answers", async () => {
    const { chains, fallback } = strategy();
    chains.define('quotes', { providers: [{ name: 'main', call: down('main') }] });
    const outcome = await run(fallback, { fallbackChain: 'quotes', fallback: () => ({ own: true }) });
    expect(outcome.resolved).toBe(true);
    expect(outcome.result).toEqual({ own: true });
    expect(outcome.steps[0]).toMatchObject({ success: false, details: { source: 'chain', chain: 'quotes', tiers: [{ provider: 'main', reason: 'error' }] } });
    expect(outcome.steps[0].message).toMatch(/fallback chain "quotes" failed: .*main: error/);
  });

  it('a provider that answers undefined has served nothing: a failed step, never an empty 200', async () => {
    const { chains, fallback } = strategy();
    chains.define('quotes', { providers: [{ name: 'main', call: () => undefined }] });
    const outcome = await run(fallback, { fallbackChain: 'quotes' });
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps[0]).toMatchObject({ success: false, details: { source: 'chain', chain: 'quotes', tier: 1, provider: 'main' } });
    expect(outcome.steps[0].message).toMatch(/answered nothing \(undefined\)/);
  });

  it('an unknown chain name is a failed step saying how to define it (never a thrown strategy)', async () => {
    const { fallback } = strategy();
    const outcome = await run(fallback, { fallbackChain: 'nope' });
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps[0].message).toMatch(/No fallback chain named "nope"/);
  });
});
