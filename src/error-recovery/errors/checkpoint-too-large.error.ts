import { isInstanceOf } from '../common/safe-read.js';

/** A checkpoint larger than `checkpoints.maxBytes` once serialised. Nothing was stored. */
export class CheckpointTooLargeError extends Error {
  constructor(
    readonly key: string,
    /** Size of the serialised state, bytes (UTF-8). */
    readonly bytes: number,
    /** The limit, bytes. */
    readonly maxBytes: number,
  ) {
    super(
      `Checkpoint "${key}" is ${bytes} bytes serialised, over the limit of ${maxBytes}. ` +
        'Store a reference (an id, a file name) instead of the data, or raise checkpoints.maxBytes.',
    );
    this.name = 'CheckpointTooLargeError';
  }
}

/** Never throws, whatever `e` is. */
export const isCheckpointTooLargeError = (e: unknown): e is CheckpointTooLargeError => isInstanceOf(e, CheckpointTooLargeError);
