import type { DataSource } from 'typeorm';
import { resolveOptions } from '../error-recovery-options.js';
import type { ModuleLogger } from '../common/log-line.js';
import { RedisConnection } from '../redis/redis-connection.js';
import type { CheckpointStore } from './checkpoint-store.interface.js';
import { createCheckpointStore } from './checkpoint-store.provider.js';
import { LayeredCheckpointStore } from './layered-checkpoint.store.js';

describe('createCheckpointStore', () => {
  const dataSource = {} as DataSource;
  const noRedis = new RedisConnection(undefined, { now: () => 0, sleep: async () => undefined }, {} as ModuleLogger);

  it('uses checkpoints.store when given, as it is', () => {
    const own: CheckpointStore = { save: async () => undefined, restore: async () => undefined, delete: async () => false };
    expect(createCheckpointStore(resolveOptions({ checkpoints: { store: own } }, {}), dataSource, noRedis)).toBe(own);
  });

  it('builds the layered store otherwise, with the resolved defaults', () => {
    const options = resolveOptions({}, {});
    expect(createCheckpointStore(options, dataSource, noRedis)).toBeInstanceOf(LayeredCheckpointStore);
    expect(options.checkpoints).toEqual({
      store: undefined,
      maxBytes: 1_048_576,
      defaultTtl: 86_400_000,
      memoryEntries: 500,
      memoryMaxAge: 1000,
      memoryMaxValueBytes: 65_536,
      purgeInterval: 60_000,
      purgeBatchSize: 500,
    });
    expect(options.redis).toBeUndefined();
  });

  it('a memory bound that is not a number falls back to its default, never to "unbounded" or "forever"', () => {
    const { checkpoints } = resolveOptions({ checkpoints: { memoryEntries: Number.NaN, memoryMaxAge: Number.NaN } }, {});
    expect([checkpoints.memoryEntries, checkpoints.memoryMaxAge]).toEqual([500, 1000]);
    expect(resolveOptions({ checkpoints: { memoryEntries: 0, memoryMaxAge: 0 } }, {}).checkpoints).toMatchObject({ memoryEntries: 0, memoryMaxAge: 0 });
  });
});
