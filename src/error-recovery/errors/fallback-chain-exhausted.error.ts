import { isInstanceOf } from '../common/safe-read.js';

/** Why one provider of a chain did not answer. */
export interface FallbackTierFailure {
  provider: string;
  /** `open`: skipped, its breaker was open; `timeout`: no answer within its timeout; `error`: it threw. */
  reason: 'open' | 'timeout' | 'error';
  /** Message of the error (scrubbed, capped); for `open`, the breaker's. */
  message: string;
  /** The error itself (not for `open`). */
  cause?: unknown;
}

/**
 * Every provider of a fallback chain failed or was skipped, and the chain has no static answer.
 * `failures` holds each provider's reason, in order.
 */
export class FallbackChainExhaustedError extends Error {
  constructor(
    readonly chain: string,
    readonly failures: readonly FallbackTierFailure[],
  ) {
    const why = failures.map((f) => `${f.provider}: ${f.reason} (${f.message})`).join('; ');
    super(`Fallback chain "${chain}" has no answer: ${why || 'it has no providers'}. Give it a staticAnswer to always answer, or check the providers.`);
    this.name = 'FallbackChainExhaustedError';
  }
}

/** Never throws, whatever `e` is. */
export const isFallbackChainExhaustedError = (e: unknown): e is FallbackChainExhaustedError => isInstanceOf(e, FallbackChainExhaustedError);
