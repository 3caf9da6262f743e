import { isInstanceOf } from '../common/safe-read.js';

/** A fallback chain used by a name that was never defined. Thrown by `FallbackChains`; a programming error. */
export class UnknownFallbackChainError extends Error {
  constructor(readonly chain: string) {
    super(
      `No fallback chain named "${chain}". Define it first: ErrorRecoveryModule.forRoot({ fallbackChains: { '${chain}': { providers: [...] } } }) ` +
        `or fallbackChains.define('${chain}', { providers: [...] }).`,
    );
    this.name = 'UnknownFallbackChainError';
  }
}

/** Never throws, whatever `e` is. */
export const isUnknownFallbackChainError = (e: unknown): e is UnknownFallbackChainError => isInstanceOf(e, UnknownFallbackChainError);
