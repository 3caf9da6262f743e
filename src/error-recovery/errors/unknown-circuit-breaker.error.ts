import { isInstanceOf } from '../common/safe-read.js';

/** A call breaker used by a name that was never declared. Thrown by `CircuitBreakers`; a programming error. */
export class UnknownCircuitBreakerError extends Error {
  constructor(readonly breaker: string) {
    super(
      `No circuit breaker named "${breaker}". Declare it first: ErrorRecoveryModule.forRoot({ breakers: { '${breaker}': 'external_api' } }), ` +
        `breakers.define('${breaker}', preset or options), or @CircuitBreaker('${breaker}') on a provider method.`,
    );
    this.name = 'UnknownCircuitBreakerError';
  }
}

/** Never throws, whatever `e` is. */
export const isUnknownCircuitBreakerError = (e: unknown): e is UnknownCircuitBreakerError => isInstanceOf(e, UnknownCircuitBreakerError);
