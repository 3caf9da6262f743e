import { isInstanceOf } from '../common/safe-read.js';

/** A protected call (a fallback chain's provider) did not answer within its timeout; counts as its failure. */
export class CallTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not answer within ${timeoutMs} ms; raise its timeoutMs if it is slow but healthy.`);
    this.name = 'CallTimeoutError';
  }
}

/** Never throws, whatever `e` is. */
export const isCallTimeoutError = (e: unknown): e is CallTimeoutError => isInstanceOf(e, CallTimeoutError);
