import type { RedisConnection } from '../redis/redis-connection.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

/** Keys remembered as stale at most; beyond, a stale copy lives until its own expiry. */
const MAX_STALE = 10_000;

/**
 * What a delete leaves under the key for a while instead of nothing: a fill (`SET NX`) of a copy
 * another instance read from PostgreSQL before the delete then finds the key taken. Not a checkpoint
 * (no expiry line): a read takes it for a miss.
 */
const TOMBSTONE = 'deleted';
const TOMBSTONE_MS = 60_000;

const encode = (entry: StoredCheckpoint): string => `${entry.expiresAt}\n${entry.json}`;

function decode(raw: string): StoredCheckpoint | undefined {
  const newline = raw.indexOf('\n');
  const expiresAt = Number(raw.slice(0, newline));
  return newline > 0 && Number.isFinite(expiresAt) ? { expiresAt, json: raw.slice(newline + 1) } : undefined;
}

/** A value someone else wrote under our key must not make `restore` throw: it is a miss. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The shared layer: one Redis string per checkpoint (`<prefix><service>:checkpoint:<key>`), with the
 * expiry both as the key's PX and in the value (the module's clock decides). A write or delete that
 * did not reach Redis leaves its copy possibly older than PostgreSQL's: this process stops reading
 * that key from Redis and deletes it there once Redis answers again.
 */
export class RedisCheckpointLayer {
  private readonly stale = new Set<string>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly service: string,
  ) {}

  async read(key: string, now: number): Promise<StoredCheckpoint | undefined> {
    if (this.stale.has(key)) return undefined;
    const result = await this.redis.run('GET', (client) => client.get(this.redisKey(key)));
    if (!result.ok || result.value === null) return undefined;
    const entry = decode(result.value);
    return entry && entry.expiresAt > now && isJson(entry.json) ? entry : undefined;
  }

  async write(key: string, entry: StoredCheckpoint, now: number): Promise<void> {
    const ttl = Math.ceil(entry.expiresAt - now);
    if (ttl <= 0) return;
    const result = await this.redis.run('SET', (client) => client.set(this.redisKey(key), encode(entry), 'PX', ttl));
    await this.settled(key, result.ok);
  }

  /**
   * Puts a copy read from PostgreSQL, only where Redis has none (`NX`): a save (of any instance)
   * that reached Redis while that read was under way holds a newer state, which must not be
   * overwritten. A key this process knows to be stale is overwritten: that is its repair.
   */
  async fill(key: string, entry: StoredCheckpoint, now: number): Promise<void> {
    if (this.stale.has(key)) return this.write(key, entry, now);
    const ttl = Math.ceil(entry.expiresAt - now);
    if (ttl <= 0) return;
    await this.redis.run('SET', (client) => client.set(this.redisKey(key), encode(entry), 'PX', ttl, 'NX'));
  }

  async remove(key: string): Promise<void> {
    const result = await this.redis.run('SET', (client) => client.set(this.redisKey(key), TOMBSTONE, 'PX', TOMBSTONE_MS));
    await this.settled(key, result.ok);
  }

  private async settled(key: string, reached: boolean): Promise<void> {
    if (!reached) {
      if (this.stale.size < MAX_STALE) this.stale.add(key);
      return;
    }
    this.stale.delete(key);
    if (this.stale.size === 0) return;
    const keys = [...this.stale].slice(0, 100);
    const repaired = await this.redis.run('DEL', (client) => client.del(...keys.map((k) => this.redisKey(k))));
    if (repaired.ok) for (const k of keys) this.stale.delete(k);
  }

  private redisKey(key: string): string {
    return this.redis.key(`${this.service}:checkpoint:${key}`);
  }
}
