import type { CheckpointStore } from './checkpoint-store.interface.js';

/** Options of the checkpoint store (`checkpoints` in the module options). */
export interface CheckpointsOptions {
  /** Replace the store entirely (the default is memory → Redis → PostgreSQL, see README). */
  store?: CheckpointStore;
  /** Largest serialised state (UTF-8 JSON), bytes. Default 1048576 (1 MiB). */
  maxBytes?: number;
  /** Lifetime of a checkpoint saved without `ttl`, ms. Default 86400000 (24 h). */
  defaultTtl?: number;
  /** Checkpoints kept in this process's memory, least recently used dropped first. Default 500; 0 turns the memory layer off. */
  memoryEntries?: number;
  /**
   * Longest an entry is served from this process's memory without asking Redis or PostgreSQL, ms.
   * Memory does not hear of other instances' saves and deletes: this is how long one may go unseen
   * here. Default 1000; 0 turns the memory layer off.
   */
  memoryMaxAge?: number;
  /** Larger states are not kept in memory (only in Redis and PostgreSQL), bytes. Default 65536. */
  memoryMaxValueBytes?: number;
  /** Expired rows are purged at most this often, on a save, ms. Default 60000. */
  purgeInterval?: number;
  /** Rows deleted per purge. Default 500. */
  purgeBatchSize?: number;
}

/** Every option set, except the custom store. */
export type ResolvedCheckpointsOptions = Required<Omit<CheckpointsOptions, 'store'>> & Pick<CheckpointsOptions, 'store'>;
