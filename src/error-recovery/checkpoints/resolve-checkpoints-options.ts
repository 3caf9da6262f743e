import type { CheckpointsOptions, ResolvedCheckpointsOptions } from './checkpoints-options.interface.js';

/** The one place the checkpoint defaults live. */
export function resolveCheckpointsOptions(options: CheckpointsOptions = {}): ResolvedCheckpointsOptions {
  const positive = (v: number | undefined, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  return {
    store: options.store,
    maxBytes: positive(options.maxBytes, 1024 * 1024),
    defaultTtl: positive(options.defaultTtl, 24 * 60 * 60 * 1000),
    memoryEntries: Math.max(0, Math.floor(options.memoryEntries ?? 500)),
    memoryMaxAge: Math.max(0, options.memoryMaxAge ?? 1000),
    memoryMaxValueBytes: positive(options.memoryMaxValueBytes, 64 * 1024),
    purgeInterval: positive(options.purgeInterval, 60_000),
    purgeBatchSize: Math.floor(positive(options.purgeBatchSize, 500)),
  };
}
