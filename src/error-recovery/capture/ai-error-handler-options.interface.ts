import type { CircuitBreakerOptions, RetryOptions } from '../error-recovery-options.interface.js';
import type { StrategyName } from '../plan/strategy-name.js';
import type { BulkheadOptions } from '../state/bulkhead.registry.js';
import type { StrategyParameters } from '../strategies/strategy-parameters.interface.js';

/** Per-controller or per-handler settings of `@AiErrorHandler()`. Handler settings beat class settings. */
export interface AiErrorHandlerOptions {
  /** Service name stored for errors of this route. Default: the module's `service`. */
  service?: string;
  /** Strategies to try for any error of this route, in order; replaces the map. */
  strategies?: StrategyName[];
  /**
   * Whether the request may be run again. Default: GET/HEAD/OPTIONS/PUT/DELETE or a request with an
   * Idempotency-Key. `true` opts a POST route in; `false` forbids replays.
   */
  replaySafe?: boolean;
  /** Retry settings for this route, merged over the module's. */
  retry?: RetryOptions;
  /** `false` turns capture off for this route. Default true. */
  capture?: boolean;
  /** `false` captures but never recovers. Default true. */
  recovery?: boolean;
  /**
   * Name of the circuit breaker guarding this route. Routes calling the same dependency can share
   * one (`'payments-api'`). Default: the route itself (`GET /orders/:id`).
   */
  circuit?: string;
  /**
   * Timeout enforced on this route, ms; `0` turns it off. Default: the module's
   * `routeTimeoutMs`, itself 0 (none). timeout_increase may raise it for a while.
   */
  timeoutMs?: number;
  /**
   * What the fallback strategy (and an open breaker) answers with: the name of a method of the same
   * controller, or a function; called as `(error, request)`. Its result is sent with
   * `X-Recovery: fallback` and `X-Degraded: true`.
   */
  fallback?: string | ((error: unknown, request: unknown) => unknown);
  /**
   * Name of a fallback chain (`forRoot({ fallbackChains })` or `FallbackChains.define`) the fallback
   * strategy answers with, before the route's own `fallback`; its providers get `{ error, request }`.
   */
  fallbackChain?: string;
  /**
   * A concurrency limit for the route with a priority queue (used by queue_priority). The priority
   * of a request comes from the module's `priorityHeader` when set, else `bulkhead.priority`.
   */
  bulkhead?: BulkheadOptions;
  /** Strategy parameters for this route, over the module's. */
  parameters?: StrategyParameters;
  /** Breaker policy of this route, over the module's; `false` turns the breaker off for it. */
  circuitBreaker?: CircuitBreakerOptions | false;
}
