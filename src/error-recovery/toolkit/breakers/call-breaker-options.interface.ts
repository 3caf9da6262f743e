import type { CircuitBreakerOptions } from '../../resilience/circuit-breaker-options.interface.js';
import type { CircuitBreakerPresetName } from './circuit-breaker-presets.js';

/**
 * A call breaker's policy: a preset's fields over the module's `circuitBreaker` options, these
 * fields over both. Seconds as in {@link CircuitBreakerOptions}.
 */
export interface CallBreakerOptions extends CircuitBreakerOptions {
  /** Start from a preset (`ai_model`, `database`, `external_api`). Default: none, the module's policy. */
  preset?: CircuitBreakerPresetName;
  /**
   * Whether an error counts as a failure of the dependency. Default: the classifier's `transient`
   * flag (connection resets, timeouts, 5xx, 429 count; a 404 or a bug in the caller does not). An
   * error that does not count leaves the breaker as it was and is still rethrown.
   */
  isFailure?: (error: unknown) => boolean;
}

/** How a call breaker is declared: a preset's name, or options. */
export type CircuitBreakerSpec = CircuitBreakerPresetName | CallBreakerOptions;

/** Options of `@CircuitBreaker()`: a breaker declared in place. */
export interface CircuitBreakerDecoratorOptions extends CallBreakerOptions {
  /** Breaker name. Default `<Class>.<method>`. Methods naming the same breaker share it. */
  name?: string;
}
