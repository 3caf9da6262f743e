/** Options of one `save`. */
export interface SaveCheckpointOptions {
  /**
   * How long the checkpoint lives, ms. After it, every layer forgets it and `restore` answers
   * undefined. Default `checkpoints.defaultTtl` (24 h).
   */
  ttl?: number;
}

/**
 * Where a long operation keeps its progress so it can resume after a crash or a failure. The
 * default (`LayeredCheckpointStore`) keeps it in memory, in the module's PostgreSQL (the store of
 * record, which survives restarts) and in Redis when `redis` is configured; supply your own through
 * `checkpoints.store`. Inject it with `@InjectCheckpointStore()`.
 *
 * States round-trip as JSON: what `restore` returns is a fresh copy of plain data (a Date comes back
 * as its ISO string, an object property that was `undefined` is absent).
 */
export interface CheckpointStore {
  /**
   * Stores `state` under `key`, replacing what was there. Resolves once the state is durable; rejects
   * with `CheckpointNotSerializableError`, `CheckpointTooLargeError`, `InvalidCheckpointArgumentError`
   * (nothing stored) or `CheckpointStoreUnavailableError` (not stored durably).
   */
  save(key: string, state: unknown, options?: SaveCheckpointOptions): Promise<void>;
  /** The state saved under `key`, or undefined when there is none or it expired. */
  restore<T = unknown>(key: string): Promise<T | undefined>;
  /** Forgets `key` everywhere; true when a checkpoint was there. */
  delete(key: string): Promise<boolean>;
}
