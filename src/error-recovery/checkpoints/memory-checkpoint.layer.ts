import { BoundedLru } from '../common/bounded-lru.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

interface CachedCheckpoint {
  entry: StoredCheckpoint;
  /** The entry's expiry or the end of its time in memory, whichever comes first. */
  until: number;
}

/**
 * The first layer: this process's memory. It does not hear of other instances' saves and deletes,
 * so an entry is served from it for at most `maxAge` ms after it was written or read from a shared
 * layer. Bounded in entries and in the size of each entry (a large state lives only in Redis and
 * PostgreSQL), so its worst case is `maxEntries × maxValueBytes`.
 */
export class MemoryCheckpointLayer {
  private readonly entries: BoundedLru<string, CachedCheckpoint>;

  constructor(
    maxEntries: number,
    private readonly maxValueBytes: number,
    private readonly maxAge: number,
  ) {
    this.entries = new BoundedLru(maxEntries);
  }

  /** The entry of `key` if it is still live and fresh enough; otherwise it is dropped. */
  get(key: string, now: number): StoredCheckpoint | undefined {
    const hit = this.entries.get(key);
    if (hit && hit.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit?.entry;
  }

  set(key: string, entry: StoredCheckpoint, now: number): void {
    // A JS string's length in UTF-16 units is within a factor of two of its UTF-8 size either way; enough for a bound.
    if (entry.json.length > this.maxValueBytes || this.maxAge <= 0) this.entries.delete(key);
    else this.entries.set(key, { entry, until: Math.min(entry.expiresAt, now + this.maxAge) });
  }

  /**
   * Keeps a copy read from a layer below, unless a live entry is already here: one a save put here
   * while that read was under way is newer than what the read found.
   */
  fill(key: string, entry: StoredCheckpoint, now: number): void {
    if (this.get(key, now) === undefined) this.set(key, entry, now);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
