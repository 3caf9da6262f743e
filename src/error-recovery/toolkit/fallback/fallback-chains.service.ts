import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { RecoveryEvents } from '../../events/recovery-events.js';
import { UnknownFallbackChainError } from '../../errors/unknown-fallback-chain.error.js';
import { CircuitBreakers } from '../breakers/circuit-breakers.service.js';
import type { FallbackChainDefinition, FallbackChainStats, FallbackResult } from './fallback-chain-options.interface.js';
import { FallbackChain } from './fallback-chain.js';

/** What `execute()` passes on: the providers' input, and a signal to give up with. */
export interface FallbackExecuteOptions<I = unknown> {
  /** Handed to each provider's `call`. Default undefined. */
  input?: I;
  /** Aborts the provider being asked and stops the chain (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Fallback chains by name: defined by `forRoot({ fallbackChains })` or {@link define}, run with
 * {@link execute} — or by a route's `fallback` strategy (`@AiErrorHandler({ fallbackChain })`).
 */
@Injectable()
export class FallbackChains {
  private readonly chains = new Map<string, FallbackChain<unknown, unknown>>();

  constructor(
    private readonly breakers: CircuitBreakers,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly events: RecoveryEvents,
  ) {
    for (const [name, definition] of Object.entries(options.fallbackChains)) this.define(name, definition);
  }

  /**
   * Defines chain `name` (again: replaces it, statistics restart). Each provider's breaker is
   * declared on the shared registry, so it shows in `GET /api/errors/circuit-breakers`.
   */
  define<T, I = unknown>(name: string, definition: FallbackChainDefinition<T, I>): void {
    this.chains.set(name, new FallbackChain(name, definition, this.breakers, this.options.clock, this.events) as FallbackChain<unknown, unknown>);
  }

  /** Whether chain `name` is defined. */
  has(name: string): boolean {
    return this.chains.has(name);
  }

  /**
   * Asks the providers of chain `name` in order and resolves with the first answer, its tier and
   * provider; rejects with `FallbackChainExhaustedError` when none answered and there is no static
   * answer, with `UnknownFallbackChainError` for a name never defined.
   */
  async execute<T = unknown, I = unknown>(name: string, options: FallbackExecuteOptions<I> = {}): Promise<FallbackResult<T>> {
    const chain = this.chains.get(name);
    if (chain === undefined) throw new UnknownFallbackChainError(name);
    return (await chain.execute(options.input, options.signal)) as FallbackResult<T>;
  }

  /** Statistics of chain `name` (per tier: calls, successes, failures, timeouts, skips, mean latency). */
  stats(name: string): FallbackChainStats {
    const chain = this.chains.get(name);
    if (chain === undefined) throw new UnknownFallbackChainError(name);
    return chain.stats();
  }

  /** Statistics of every chain. */
  list(): FallbackChainStats[] {
    return [...this.chains.values()].map((chain) => chain.stats());
  }
}
