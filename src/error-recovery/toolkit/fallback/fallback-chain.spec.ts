import 'reflect-metadata';
import { isFallbackChainExhaustedError, type FallbackChainExhaustedError } from '../../errors/fallback-chain-exhausted.error.js';
import { isUnknownFallbackChainError } from '../../errors/unknown-fallback-chain.error.js';
import { resolveOptions } from '../../error-recovery-options.js';
import { RecoveryEvents, type FallbackEvent } from '../../events/recovery-events.js';
import { SteppedClock } from '../../resilience/stepped-clock.spec-helper.js';
import { CircuitBreakerRegistry } from '../../state/circuit-breaker.registry.js';
import { InMemoryCircuitStateStore } from '../../state/circuit-state.store.js';
import { CircuitBreakers } from '../breakers/circuit-breakers.service.js';
import type { FallbackProvider } from './fallback-chain-options.interface.js';
import { FallbackChains } from './fallback-chains.service.js';

const reset = (what: string): Error => Object.assign(new Error(`read ECONNRESET (${what})`), { code: 'ECONNRESET' });

function setup() {
  const clock = new SteppedClock();
  clock.t = 1_000_000;
  const options = resolveOptions({ clock }, {});
  const events = new RecoveryEvents();
  const seen: [string, FallbackEvent][] = [];
  events.on('fallback.degraded', (e) => seen.push(['degraded', e]));
  events.on('fallback.exhausted', (e) => seen.push(['exhausted', e]));
  const registry = new CircuitBreakerRegistry(new InMemoryCircuitStateStore(), options, events);
  const breakers = new CircuitBreakers(registry, options);
  return { clock, registry, breakers, seen, chains: new FallbackChains(breakers, options, events) };
}

/** A provider whose behaviour the test switches: `up`, `down` (throws) or `hang` (never answers). */
function model(name: string, mode: { now: 'up' | 'down' | 'hang' }, clock: SteppedClock, ms = 0): FallbackProvider<string> & { calls: number } {
  const provider = {
    name,
    calls: 0,
    timeoutMs: 1000,
    breaker: { failureThreshold: 2, timeoutSeconds: 30 },
    async call(): Promise<string> {
      provider.calls++;
      clock.t += ms;
      if (mode.now === 'down') throw reset(name);
      if (mode.now === 'hang') return await new Promise<string>(() => undefined);
      return `${name} says hi`;
    },
  };
  return provider;
}

describe('FallbackChains', () => {
  it('answers from the first provider that answers and names its tier', async () => {
    const { chains, clock, seen } = setup();
    const a = { now: 'up' as 'up' | 'down' };
    const b = { now: 'up' as const };
    chains.define('llm', { providers: [model('primary', a, clock), model('secondary', b, clock, 40)] });
    await expect(chains.execute('llm')).resolves.toEqual({ value: 'primary says hi', tier: 1, provider: 'primary' });
    expect(seen).toEqual([]);
    a.now = 'down';
    await expect(chains.execute('llm')).resolves.toEqual({ value: 'secondary says hi', tier: 2, provider: 'secondary' });
    expect(seen).toEqual([['degraded', { chain: 'llm', tier: 2, provider: 'secondary', failures: [{ provider: 'primary', reason: 'error', message: 'read ECONNRESET (primary)' }] }]]);
  });

  it('skips a provider whose breaker is open without calling it, and keeps per-tier statistics', async () => {
    const { chains, clock, registry } = setup();
    const primary = model('primary', { now: 'down' }, clock, 10);
    const secondary = model('secondary', { now: 'up' }, clock, 30);
    chains.define('llm', { providers: [primary, secondary] });
    for (let i = 0; i < 4; i++) expect((await chains.execute('llm')).provider).toBe('secondary');
    expect(primary.calls).toBe(2);
    expect(registry.status('llm/primary')?.state).toBe('open');
    expect(chains.stats('llm')).toEqual({
      name: 'llm',
      executions: 4,
      staticAnswers: 0,
      exhausted: 0,
      tiers: [
        { provider: 'primary', calls: 2, successes: 0, failures: 2, timeouts: 0, skippedOpen: 2, meanLatencyMs: 10 },
        { provider: 'secondary', calls: 4, successes: 4, failures: 0, timeouts: 0, skippedOpen: 0, meanLatencyMs: 30 },
      ],
    });
  });

  it("a provider's timeout counts as its failure and the next tier answers; the abandoned call is aborted", async () => {
    const { chains, clock, breakers } = setup();
    let signal: AbortSignal | undefined;
    const slow: FallbackProvider<string> = { name: 'slow', timeoutMs: 500, breaker: { failureThreshold: 1 }, call: (_input, s) => ((signal = s), new Promise<string>(() => undefined)) };
    chains.define('llm', { providers: [slow, model('backup', { now: 'up' }, clock)] });
    const answer = chains.execute('llm');
    await clock.advance(500);
    await expect(answer).resolves.toMatchObject({ tier: 2, provider: 'backup' });
    expect(signal?.aborted).toBe(true);
    expect(breakers.getStatus('llm/slow')).toMatchObject({ state: 'open', lastFailure: { message: expect.stringContaining('did not answer within 500 ms') } });
    expect(chains.stats('llm').tiers[0]).toMatchObject({ timeouts: 1, failures: 1, meanLatencyMs: 500 });
  });

  it('serves the static answer when every provider fails, else rejects with each tier’s reason', async () => {
    const { chains, clock, seen } = setup();
    const down = { now: 'down' as const };
    chains.define('canned', { providers: [model('a', down, clock)], staticAnswer: 'Sorry, try later' });
    await expect(chains.execute('canned')).resolves.toEqual({ value: 'Sorry, try later', tier: 2, provider: 'static' });
    chains.define('bare', { providers: [model('a', down, clock), model('b', down, clock)] });
    await chains.execute('bare').catch(() => undefined);
    const error = (await chains.execute('bare').catch((e: unknown) => e)) as FallbackChainExhaustedError;
    await chains.execute('bare').catch(() => undefined);
    expect(isFallbackChainExhaustedError(error)).toBe(true);
    expect(error.failures.map((f) => [f.provider, f.reason])).toEqual([['a', 'error'], ['b', 'error']]);
    const third = (await chains.execute('bare').catch((e: unknown) => e)) as FallbackChainExhaustedError;
    expect(third.failures.map((f) => f.reason)).toEqual(['open', 'open']);
    expect(third.message).toMatch(/Fallback chain "bare" has no answer: a: open/);
    expect(chains.stats('bare')).toMatchObject({ executions: 4, exhausted: 4 });
    expect(chains.stats('canned')).toMatchObject({ staticAnswers: 1 });
    expect(seen.map(([kind, e]) => [kind, e.chain, e.provider])).toEqual([['degraded', 'canned', 'static'], ...Array(4).fill(['exhausted', 'bare', null])]);
  });

  it("stops when the caller gives up, without counting it against the provider", async () => {
    const { chains, clock, breakers } = setup();
    chains.define('llm', { providers: [model('hangs', { now: 'hang' }, clock)] });
    const caller = new AbortController();
    const answer = chains.execute('llm', { signal: caller.signal });
    caller.abort(new Error('budget over'));
    await expect(answer).rejects.toThrow('budget over');
    expect(breakers.getStatus('llm/hangs').counts).toMatchObject({ failures: 0, successes: 0 });
  });

  it('gives providers the input, shares a breaker named elsewhere, and refuses unknown names and duplicate providers', async () => {
    const { chains, breakers, clock } = setup();
    breakers.define('shared-model', 'ai_model');
    chains.define<string, { prompt: string }>('echo', { providers: [{ name: 'm', breakerName: 'shared-model', call: (input) => `echo ${input.prompt}` }] });
    await expect(chains.execute('echo', { input: { prompt: 'hi' } })).resolves.toMatchObject({ value: 'echo hi' });
    expect(breakers.getStatus('shared-model').counts.successes).toBe(1);
    const unknown = await chains.execute('nope').catch((e: unknown) => e);
    expect(isUnknownFallbackChainError(unknown)).toBe(true);
    expect(() => chains.define('bad', {} as never)).toThrow(/Fallback chain "bad" needs providers/);
    expect(() => chains.define('bad', { providers: [{ name: 'x' }] } as never)).toThrow(/needs a name and a call/);
    expect(() => chains.define('dup', { providers: [model('x', { now: 'up' }, clock), model('x', { now: 'up' }, clock)] })).toThrow(/names provider "x" twice/);
  });
});
