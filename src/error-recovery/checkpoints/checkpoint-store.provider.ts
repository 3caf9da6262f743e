import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_DATA_SOURCE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { isEmbedded } from '../persistence/error-recovery-data-source.js';
import { RedisConnection } from '../redis/redis-connection.js';
import type { CheckpointStore } from './checkpoint-store.interface.js';
import { CHECKPOINT_STORE } from './checkpoints.constants.js';
import { LayeredCheckpointStore } from './layered-checkpoint.store.js';
import { MemoryCheckpointLayer } from './memory-checkpoint.layer.js';
import { PostgresCheckpointLayer } from './postgres-checkpoint.layer.js';
import { RedisCheckpointLayer } from './redis-checkpoint.layer.js';

/** `checkpoints.store`, else memory → Redis (when configured) → the module's PostgreSQL. */
export function createCheckpointStore(options: ResolvedErrorRecoveryOptions, dataSource: DataSource, redis: RedisConnection): CheckpointStore {
  const { checkpoints, database, service } = options;
  if (checkpoints.store) return checkpoints.store;
  const layers = {
    memory: new MemoryCheckpointLayer(checkpoints.memoryEntries, checkpoints.memoryMaxValueBytes, checkpoints.memoryMaxAge),
    postgres: new PostgresCheckpointLayer(dataSource, database.migrationsRun, isEmbedded(database), service),
    redis: redis.configured ? new RedisCheckpointLayer(redis, service) : undefined,
  };
  return new LayeredCheckpointStore(layers, checkpoints, options.clock, new ModuleLogger());
}

/** The module's providers of the checkpoint store and of the Redis connection it (and others) use. */
export const CHECKPOINT_PROVIDERS: Provider[] = [
  {
    provide: RedisConnection,
    useFactory: (options: ResolvedErrorRecoveryOptions) => new RedisConnection(options.redis, options.clock, new ModuleLogger()),
    inject: [ERROR_RECOVERY_OPTIONS],
  },
  { provide: CHECKPOINT_STORE, useFactory: createCheckpointStore, inject: [ERROR_RECOVERY_OPTIONS, ERROR_RECOVERY_DATA_SOURCE, RedisConnection] },
];
