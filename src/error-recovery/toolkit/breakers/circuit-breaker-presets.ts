import type { CircuitBreakerOptions } from '../../resilience/circuit-breaker-options.interface.js';

/**
 * Named breaker policies for common dependencies. Only these fields are set; the rest (failure
 * rate rule, window, cap, probe timeout) comes from the module's `circuitBreaker` options.
 * - `ai_model`: 3 consecutive failures, open 60 s, 2 half-open calls (model APIs fail in bursts and recover slowly).
 * - `database`: 3 failures, open 30 s, 2 half-open calls.
 * - `external_api`: 5 failures, open 120 s, 3 half-open calls.
 */
export const CIRCUIT_BREAKER_PRESETS = {
  ai_model: { failureThreshold: 3, timeoutSeconds: 60, halfOpenRequests: 2 },
  database: { failureThreshold: 3, timeoutSeconds: 30, halfOpenRequests: 2 },
  external_api: { failureThreshold: 5, timeoutSeconds: 120, halfOpenRequests: 3 },
} as const satisfies Record<string, CircuitBreakerOptions>;

/** Name of a breaker preset. */
export type CircuitBreakerPresetName = keyof typeof CIRCUIT_BREAKER_PRESETS;

/** Whether `value` names a preset. */
export function isCircuitBreakerPreset(value: unknown): value is CircuitBreakerPresetName {
  return typeof value === 'string' && Object.hasOwn(CIRCUIT_BREAKER_PRESETS, value);
}
