import { messageOf } from '../../common/error-text.js';
import { scrubString } from '../../common/scrub.js';
import { CallTimeoutError, isCallTimeoutError } from '../../errors/call-timeout.error.js';
import { isCircuitOpenError } from '../../errors/circuit-open.error.js';
import { FallbackChainExhaustedError, type FallbackTierFailure } from '../../errors/fallback-chain-exhausted.error.js';
import { callWithin } from '../../resilience/call-within.js';
import type { RecoveryEvents } from '../../events/recovery-events.js';
import type { Clock } from '../../resilience/clock.js';
import type { BreakerCall } from '../../state/circuit-breaker.registry.js';
import type { CircuitBreakers } from '../breakers/circuit-breakers.service.js';
import type { FallbackChainDefinition, FallbackChainStats, FallbackResult } from './fallback-chain-options.interface.js';
import { FallbackChainCounters } from './fallback-tier.stats.js';

/** Default timeout of one provider, ms. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;

/** Longest failure message kept per tier, characters. */
const CAUSE_MAX = 300;

/**
 * An ordered chain of providers, each behind its own breaker (declared on the shared registry) and
 * timeout, ending in an optional static answer. A provider whose breaker is open is skipped without
 * being called; a timeout counts as its failure; the first answer wins and names its tier.
 */
export class FallbackChain<T = unknown, I = unknown> {
  private readonly counters: FallbackChainCounters;
  private readonly breakerNames: string[];

  constructor(
    readonly name: string,
    private readonly definition: FallbackChainDefinition<T, I>,
    private readonly breakers: CircuitBreakers,
    private readonly clock: Clock,
    private readonly events: RecoveryEvents,
  ) {
    if (!Array.isArray(definition?.providers)) throw new TypeError(`Fallback chain "${name}" needs providers: { providers: [{ name, call }] }.`);
    const names = new Set<string>();
    for (const p of definition.providers) {
      if (typeof p?.name !== 'string' || typeof p.call !== 'function') throw new TypeError(`Every provider of fallback chain "${name}" needs a name and a call(input, signal) function.`);
      if (names.has(p.name)) throw new TypeError(`Fallback chain "${name}" names provider "${p.name}" twice; give each provider its own name.`);
      names.add(p.name);
    }
    this.breakerNames = definition.providers.map((p) => p.breakerName ?? `${name}/${p.name}`);
    definition.providers.forEach((p, i) => this.breakers.define(this.breakerNames[i], p.breaker));
    this.counters = new FallbackChainCounters(name, definition.providers.map((p) => p.name));
  }

  /**
   * The first answer of the providers in order, else the static answer; rejects with
   * `FallbackChainExhaustedError` (every tier's reason) when there is neither, or with `signal`'s
   * reason when the caller gives up.
   */
  async execute(input: I, signal?: AbortSignal): Promise<FallbackResult<T>> {
    this.counters.started();
    const failures: FallbackTierFailure[] = [];
    for (const [tier, provider] of this.definition.providers.entries()) {
      signal?.throwIfAborted();
      let call: BreakerCall;
      try {
        call = this.breakers.enter(this.breakerNames[tier]);
      } catch (error) {
        if (!isCircuitOpenError(error)) throw error;
        this.counters.skipped(tier);
        failures.push({ provider: provider.name, reason: 'open', message: error.message });
        continue;
      }
      const startedAt = this.clock.now();
      const timeoutMs = provider.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
      try {
        const onTimeout = (): Error => new CallTimeoutError(`provider "${provider.name}" of fallback chain "${this.name}"`, timeoutMs);
        const value = await callWithin((s) => provider.call(input, s), timeoutMs, this.clock, onTimeout, signal);
        this.breakers.leave(call, { ok: true });
        this.counters.called(tier, this.clock.now() - startedAt, 'success');
        if (tier > 0) this.announce('fallback.degraded', tier + 1, provider.name, failures);
        return { value, tier: tier + 1, provider: provider.name };
      } catch (error) {
        if (signal?.aborted && error === signal.reason) {
          // The caller gave up: says nothing about the provider.
          this.breakers.release(call);
          throw error;
        }
        const timedOut = isCallTimeoutError(error);
        this.breakers.leave(call, { ok: false, error, force: timedOut });
        this.counters.called(tier, this.clock.now() - startedAt, timedOut ? 'timeout' : 'failure');
        failures.push({ provider: provider.name, reason: timedOut ? 'timeout' : 'error', message: scrubString(messageOf(error, CAUSE_MAX)), cause: error });
      }
    }
    if (this.definition.staticAnswer !== undefined) {
      this.counters.servedStatic();
      this.announce('fallback.degraded', this.definition.providers.length + 1, 'static', failures);
      return { value: this.definition.staticAnswer, tier: this.definition.providers.length + 1, provider: 'static' };
    }
    this.counters.failedAll();
    this.announce('fallback.exhausted', null, null, failures);
    throw new FallbackChainExhaustedError(this.name, failures);
  }

  private announce(event: 'fallback.degraded' | 'fallback.exhausted', tier: number | null, provider: string | null, failures: readonly FallbackTierFailure[]): void {
    this.events.emit(event, { chain: this.name, tier, provider, failures: failures.map((f) => ({ provider: f.provider, reason: f.reason, message: f.message })) });
  }

  stats(): FallbackChainStats {
    return this.counters.snapshot();
  }
}
