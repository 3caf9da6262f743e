import { isInstanceOf } from '../common/safe-read.js';

/**
 * The checkpoints' store of record (the module's PostgreSQL) could not be reached. A `save` or
 * `delete` that rejects with it did not happen durably; a `restore` that rejects with it does not
 * mean "no checkpoint". Retry later.
 */
export class CheckpointStoreUnavailableError extends Error {
  constructor(
    readonly key: string,
    readonly operation: 'save' | 'restore' | 'delete',
    /** The database's message, for logs. */
    readonly reason: string,
  ) {
    super(
      `Checkpoint "${key}": ${operation} failed because the checkpoint database is unreachable (${reason}). ` +
        `Nothing was ${operation === 'restore' ? 'read' : 'changed'} durably; retry when the database is back.`,
    );
    this.name = 'CheckpointStoreUnavailableError';
  }
}

/** Never throws, whatever `e` is. */
export const isCheckpointStoreUnavailableError = (e: unknown): e is CheckpointStoreUnavailableError =>
  isInstanceOf(e, CheckpointStoreUnavailableError);
