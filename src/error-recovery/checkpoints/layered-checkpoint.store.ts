import { messageOf } from '../common/error-text.js';
import type { ModuleLogger } from '../common/log-line.js';
import { CheckpointStoreUnavailableError } from '../errors/checkpoint-store-unavailable.error.js';
import type { Clock } from '../resilience/clock.js';
import { assertCheckpointKey, checkedTtl, checkpointJson } from './checkpoint-json.js';
import type { CheckpointStore, SaveCheckpointOptions } from './checkpoint-store.interface.js';
import type { ResolvedCheckpointsOptions } from './checkpoints-options.interface.js';
import type { MemoryCheckpointLayer } from './memory-checkpoint.layer.js';
import type { PostgresCheckpointLayer } from './postgres-checkpoint.layer.js';
import type { RedisCheckpointLayer } from './redis-checkpoint.layer.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

/** The three layers; `redis` only when the module option `redis` is set. */
export interface CheckpointLayers {
  memory: MemoryCheckpointLayer;
  postgres: PostgresCheckpointLayer;
  redis?: RedisCheckpointLayer;
}

/**
 * The default `CheckpointStore`. Reads go memory → Redis → PostgreSQL and fill the layers above a
 * hit; writes go to PostgreSQL first (the store of record: a save resolves only once it is there,
 * and rejects with `CheckpointStoreUnavailableError` when it cannot be), then to memory and Redis.
 * Redis failing never fails a call. Expired rows are purged in small batches, at most once per
 * `purgeInterval`, after a save.
 */
export class LayeredCheckpointStore implements CheckpointStore {
  private lastPurge = Number.NEGATIVE_INFINITY;
  /** Reads of PostgreSQL under way, by key: a save or delete meanwhile makes what they found too old to copy up. */
  private readonly reading = new Map<string, Set<{ overtaken: boolean }>>();

  constructor(
    private readonly layers: CheckpointLayers,
    private readonly options: ResolvedCheckpointsOptions,
    private readonly clock: Clock,
    private readonly logger: ModuleLogger,
  ) {}

  async save(key: string, state: unknown, options: SaveCheckpointOptions = {}): Promise<void> {
    assertCheckpointKey(key);
    const ttl = checkedTtl(options.ttl ?? this.options.defaultTtl);
    const json = checkpointJson(key, state, this.options.maxBytes);
    const now = this.clock.now();
    const entry: StoredCheckpoint = { json, expiresAt: now + ttl };
    this.overtake(key);
    try {
      await this.layers.postgres.write(key, entry, now);
    } catch (error) {
      throw new CheckpointStoreUnavailableError(key, 'save', messageOf(error, 300));
    }
    this.layers.memory.set(key, entry, now);
    await this.layers.redis?.write(key, entry, now);
    this.overtake(key);
    this.purgeIfDue(now);
  }

  async restore<T = unknown>(key: string): Promise<T | undefined> {
    assertCheckpointKey(key);
    const now = this.clock.now();
    const entry = this.layers.memory.get(key, now) ?? (await this.fromRedis(key, now)) ?? (await this.fromPostgres(key, now));
    return entry === undefined ? undefined : (JSON.parse(entry.json) as T);
  }

  async delete(key: string): Promise<boolean> {
    assertCheckpointKey(key);
    // The layers above first: should PostgreSQL fail, they hold nothing it does not.
    this.overtake(key);
    this.layers.memory.delete(key);
    await this.layers.redis?.remove(key);
    try {
      return await this.layers.postgres.remove(key, this.clock.now());
    } catch (error) {
      throw new CheckpointStoreUnavailableError(key, 'delete', messageOf(error, 300));
    } finally {
      this.overtake(key);
    }
  }

  private async fromRedis(key: string, now: number): Promise<StoredCheckpoint | undefined> {
    const entry = await this.layers.redis?.read(key, now);
    if (entry) this.layers.memory.fill(key, entry, now);
    return entry;
  }

  private async fromPostgres(key: string, now: number): Promise<StoredCheckpoint | undefined> {
    let entry: StoredCheckpoint | undefined;
    const read = { overtaken: false };
    const reads = this.reading.get(key) ?? new Set();
    this.reading.set(key, reads.add(read));
    try {
      entry = await this.layers.postgres.read(key, now);
    } catch (error) {
      // Not "no checkpoint": a job must not start over because the database blinked.
      throw new CheckpointStoreUnavailableError(key, 'restore', messageOf(error, 300));
    } finally {
      reads.delete(read);
      if (reads.size === 0 && this.reading.get(key) === reads) this.reading.delete(key);
    }
    // A save or delete of this process overtook the read: copying what it found up would undo it.
    if (!entry || read.overtaken) return entry;
    // Nor replace a copy another instance's save put there meanwhile: it is newer than this read.
    this.layers.memory.fill(key, entry, now);
    await this.layers.redis?.fill(key, entry, now);
    return entry;
  }

  private overtake(key: string): void {
    for (const read of this.reading.get(key) ?? []) read.overtaken = true;
  }

  private purgeIfDue(now: number): void {
    if (now - this.lastPurge < this.options.purgeInterval) return;
    this.lastPurge = now;
    this.layers.postgres.purgeExpired(now, this.options.purgeBatchSize).catch((error: unknown) => {
      this.logger.warn(`purging expired checkpoints failed (${messageOf(error, 300)}); trying again in ${this.options.purgeInterval} ms`);
    });
  }
}
