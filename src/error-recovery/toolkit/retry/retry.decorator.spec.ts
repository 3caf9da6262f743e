import 'reflect-metadata';
import { SetMetadata } from '@nestjs/common';
import { resolveOptions } from '../../error-recovery-options.js';
import { isUnknownRetryPresetError } from '../../errors/unknown-retry-preset.error.js';
import { RecoveryEvents, type RetryAttemptEvent } from '../../events/recovery-events.js';
import { FakeClock } from '../../resilience/fake-clock.spec-helper.js';
import { RetryPolicies } from './retry-policies.service.js';
import { Retry } from './retry.decorator.js';

const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });


class Quotes {
  calls = 0;
  constructor(private readonly failures: number) {}

  @Retry({ maxAttempts: 3, baseDelayMs: 1, jitter: false })
  async fetchQuote(symbol: string): Promise<string> {
    this.calls++;
    if (this.calls <= this.failures) throw reset();
    return `${symbol}:${this.calls}`;
  }

  @Retry('network')
  parse(raw: string): number {
    this.calls++;
    if (this.calls <= this.failures) throw reset();
    return Number(raw);
  }

  @SetMetadata('after', 'above')
  @Retry('database')
  @SetMetadata('before', 'below')
  tagged(): string {
    return 'tagged';
  }

  @Retry({ name: 'quotes.custom', maxAttempts: 2, baseDelayMs: 10, jitter: false })
  async custom(): Promise<string> {
    this.calls++;
    if (this.calls <= this.failures) throw reset();
    return 'custom';
  }

  @Retry('payments')
  async configured(): Promise<string> {
    this.calls++;
    if (this.calls <= this.failures) throw reset();
    return 'paid';
  }
}

describe('@Retry()', () => {
  describe('without the module', () => {
    it('retries an async method and keeps its promise, `this` and arguments', async () => {
      const quotes = new Quotes(2);
      const result = quotes.fetchQuote('ACME');
      expect(result).toBeInstanceOf(Promise);
      await expect(result).resolves.toBe('ACME:3');
    });

    it('keeps a sync method synchronous and retries it at once', () => {
      const quotes = new Quotes(2);
      expect(quotes.parse('7')).toBe(7);
      expect(quotes.calls).toBe(3);
    });

    it('rethrows after the last attempt', async () => {
      const quotes = new Quotes(10);
      await expect(quotes.fetchQuote('ACME')).rejects.toThrow('ECONNRESET');
      expect(quotes.calls).toBe(3);
    });

    it('a name that is no preset and no module to configure it: the call throws the clear error', async () => {
      const quotes = new Quotes(0);
      let thrown: unknown;
      try {
        await quotes.configured();
      } catch (error) {
        thrown = error;
      }
      expect(isUnknownRetryPresetError(thrown)).toBe(true);
      expect(quotes.calls).toBe(0);
    });
  });

  it('keeps the metadata of decorators below and above it, and the method name', () => {
    const method = Object.getOwnPropertyDescriptor(Quotes.prototype, 'tagged')?.value as object;
    expect(Reflect.getMetadata('before', method)).toBe('below');
    expect(Reflect.getMetadata('after', method)).toBe('above');
    expect((method as { name: string }).name).toBe('tagged');
  });

  it('rejects an unknown preset when the class is declared', () => {
    expect(() => Retry({ preset: 'nope' as never })).toThrow(/Unknown retry policy "nope"/);
  });

  describe('with the module running', () => {
    let registry: RetryPolicies;
    let clock: FakeClock;
    let attempts: RetryAttemptEvent[];

    beforeEach(() => {
      clock = new FakeClock();
      const events = new RecoveryEvents();
      attempts = [];
      events.on('retry.attempt', (e) => attempts.push(e));
      registry = new RetryPolicies(resolveOptions({ clock, retryPolicies: { payments: { preset: 'external_api', maxAttempts: 2, baseDelayMs: 40, jitter: false } } }, {}), events);
      registry.onModuleInit();
    });
    afterEach(() => registry.onApplicationShutdown());

    it('reports to the module: named stats, events, the module clock', async () => {
      const quotes = new Quotes(1);
      await expect(quotes.custom()).resolves.toBe('custom');
      expect(clock.sleeps).toEqual([10]);
      expect(attempts).toEqual([{ policy: 'quotes.custom', attempt: 1, delayMs: 10, error: 'read ECONNRESET' }]);
      expect(registry.stats()).toEqual([expect.objectContaining({ name: 'quotes.custom', attempts: 2, retries: 1, successes: 1 })]);
    });

    it('a preset name is the app-wide policy of that preset', () => {
      const quotes = new Quotes(1);
      expect(quotes.parse('3')).toBe(3);
      expect(registry.get('network').stats()).toMatchObject({ attempts: 2, successes: 1 });
    });

    it('uses a policy configured in retryPolicies by its name', async () => {
      const quotes = new Quotes(5);
      await expect(quotes.configured()).rejects.toThrow('ECONNRESET');
      expect(quotes.calls).toBe(2);
      expect(clock.sleeps).toEqual([40]);
      expect(registry.get('payments').stats()).toMatchObject({ giveUps: 1, giveUpReasons: expect.objectContaining({ attempts_exhausted: 1 }) });
    });

    it('the registry: unknown names are a clear error listing the valid ones', () => {
      expect(() => registry.get('nope')).toThrow(/Unknown retry policy "nope". Use one of: ai_model, database, network, external_api, payments/);
      expect(registry.names()).toEqual(['ai_model', 'database', 'network', 'external_api', 'payments']);
      expect(registry.get('database')).toBe(registry.get('database'));
    });
  });

  it('a configured policy works from the start-up hooks of other providers (before the registry\'s own)', async () => {
    // Nest builds every provider first, then runs the onModuleInit hooks, another module's maybe first.
    const clock = new FakeClock();
    const registry = new RetryPolicies(resolveOptions({ clock, retryPolicies: { payments: { maxAttempts: 2, baseDelayMs: 5, jitter: false } } }, {}), new RecoveryEvents());
    try {
      await expect(new Quotes(1).configured()).resolves.toBe('paid');
      expect(registry.get('payments').stats()).toMatchObject({ attempts: 2, successes: 1 });
    } finally {
      registry.onApplicationShutdown();
    }
  });

  it('a configured policy still works in the shutdown hooks Nest runs after onModuleDestroy', async () => {
    const registry = new RetryPolicies(resolveOptions({ clock: new FakeClock(), retryPolicies: { payments: { maxAttempts: 2, baseDelayMs: 5, jitter: false } } }, {}), new RecoveryEvents());
    registry.onModuleInit();
    // beforeApplicationShutdown / onApplicationShutdown of the app's providers: draining work.
    await expect(new Quotes(1).configured()).resolves.toBe('paid');
    registry.onApplicationShutdown();
    expect(RetryPolicies.current()).toBeUndefined();
  });

  it('a bad retryPolicies option stops the start-up with its message', () => {
    expect(() => resolveOptions({ retryPolicies: { x: { preset: 'fast' as never } } }, {})).toThrow(/Unknown retry policy "fast"/);
    expect(() => resolveOptions({ retryPolicies: { x: { maxAttempts: -2 } } }, {})).toThrow(/maxAttempts/);
  });
});
