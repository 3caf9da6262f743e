import { isInstanceOf } from '../common/safe-read.js';

/**
 * A checkpoint call with an argument it cannot take: a key that is empty, too long or has
 * characters outside `A-Z a-z 0-9 . _ : / -`; a `ttl` that is not a positive number of ms; two steps
 * of a resumable job with one name. Nothing was stored or changed.
 */
export class InvalidCheckpointArgumentError extends Error {
  constructor(
    readonly argument: 'key' | 'ttl' | 'steps',
    readonly reason: string,
  ) {
    super(`Invalid checkpoint ${argument}: ${reason}.`);
    this.name = 'InvalidCheckpointArgumentError';
  }
}

/** Never throws, whatever `e` is. */
export const isInvalidCheckpointArgumentError = (e: unknown): e is InvalidCheckpointArgumentError =>
  isInstanceOf(e, InvalidCheckpointArgumentError);
