import type { CheckpointsOptions, ResolvedCheckpointsOptions } from './checkpoints-options.interface.js';

/** The one place the checkpoint defaults live. */
export function resolveCheckpointsOptions(options: CheckpointsOptions = {}): ResolvedCheckpointsOptions {
  const positive = (v: number | undefined, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  // 0 turns the memory layer off; NaN must not slip through Math.max as "no bound".
  const nonNegative = (v: number | undefined, d: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    store: options.store,
    maxBytes: positive(options.maxBytes, 1024 * 1024),
    defaultTtl: positive(options.defaultTtl, 24 * 60 * 60 * 1000),
    memoryEntries: Math.floor(nonNegative(options.memoryEntries, 500)),
    memoryMaxAge: nonNegative(options.memoryMaxAge, 1000),
    memoryMaxValueBytes: positive(options.memoryMaxValueBytes, 64 * 1024),
    purgeInterval: positive(options.purgeInterval, 60_000),
    purgeBatchSize: Math.floor(positive(options.purgeBatchSize, 500)),
  };
}
