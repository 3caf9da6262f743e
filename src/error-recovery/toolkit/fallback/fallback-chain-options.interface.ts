import type { CircuitBreakerSpec } from '../breakers/call-breaker-options.interface.js';

/** One provider of a fallback chain (a model, an API replica), tried in the chain's order. */
export interface FallbackProvider<T = unknown, I = unknown> {
  /** Name, unique in the chain; reported as the `provider` that answered and in the statistics. */
  name: string;
  /**
   * Asks this provider. `input` is what `execute()` was given (for a route: `{ error, request }`);
   * `signal` aborts when the provider's timeout passes or the caller gives up — pass it to `fetch`.
   */
  call(input: I, signal: AbortSignal): T | PromiseLike<T>;
  /** Longest wait for this provider, ms; past it the call counts as its breaker's failure. Default 10000; 0: none. */
  timeoutMs?: number;
  /** Its breaker's policy: a preset name or options. Default: the module's `circuitBreaker` policy. */
  breaker?: CircuitBreakerSpec;
  /**
   * Name of its breaker. Default `<chain>/<provider>`. Naming a breaker declared elsewhere shares
   * it (one model behind two chains).
   */
  breakerName?: string;
}

/** A fallback chain: providers in order, and an optional last answer. */
export interface FallbackChainDefinition<T = unknown, I = unknown> {
  /** Primary first. A provider whose breaker is open is skipped without being called. */
  providers: FallbackProvider<T, I>[];
  /**
   * Answer when every provider failed or was skipped (a canned reply). Default: none — the chain
   * then rejects with `FallbackChainExhaustedError`. `undefined` means none.
   */
  staticAnswer?: T;
}

/** How a chain answered. */
export interface FallbackResult<T = unknown> {
  value: T;
  /** 1 for the first provider, 2 for the next…; the static answer is `providers.length + 1`. */
  tier: number;
  /** Name of the provider that answered, or `static`. */
  provider: string;
}

/** Statistics of one tier since the chain was defined. */
export interface FallbackTierStats {
  provider: string;
  /** Times this provider was called (not counting skips). */
  calls: number;
  successes: number;
  /** Failures, timeouts included. */
  failures: number;
  timeouts: number;
  /** Times it was skipped because its breaker was open. */
  skippedOpen: number;
  /** Mean time of its calls that answered or failed, ms; null before the first. */
  meanLatencyMs: number | null;
}

/** Statistics of one chain. */
export interface FallbackChainStats {
  name: string;
  executions: number;
  tiers: FallbackTierStats[];
  /** Times the static answer was served. */
  staticAnswers: number;
  /** Times nothing answered (`FallbackChainExhaustedError`). */
  exhausted: number;
}
