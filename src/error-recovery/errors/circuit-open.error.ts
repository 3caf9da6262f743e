import { isInstanceOf } from '../common/safe-read.js';

/** A request refused because its circuit breaker is open. Answered 503 with Retry-After; not stored. */
export class CircuitOpenError extends Error {
  constructor(
    readonly breaker: string,
    readonly retryAfterMs: number,
  ) {
    super(`Circuit breaker "${breaker}" is open; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'CircuitOpenError';
  }
}

/** Never throws, whatever `e` is. */
export const isCircuitOpenError = (e: unknown): e is CircuitOpenError => isInstanceOf(e, CircuitOpenError);
