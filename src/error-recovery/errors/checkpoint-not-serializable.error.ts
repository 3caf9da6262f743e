import { isInstanceOf } from '../common/safe-read.js';

/**
 * A checkpoint whose state would not come back as it was saved: a cycle, a BigInt, a function, a
 * symbol, a non-finite number, a Map or a Set. Nothing was stored; the previous checkpoint is intact.
 */
export class CheckpointNotSerializableError extends Error {
  constructor(
    readonly key: string,
    /** Where in the state the value is, e.g. `$.items[3].total`. */
    readonly path: string,
    /** What the value is, e.g. `a BigInt`. */
    readonly found: string,
  ) {
    super(
      `Checkpoint "${key}" cannot be saved: ${path} is ${found}, which does not round-trip through JSON. ` +
        'Convert it to plain data (strings, numbers, booleans, null, arrays, objects) before saving.',
    );
    this.name = 'CheckpointNotSerializableError';
  }
}

/** Never throws, whatever `e` is. */
export const isCheckpointNotSerializableError = (e: unknown): e is CheckpointNotSerializableError =>
  isInstanceOf(e, CheckpointNotSerializableError);
