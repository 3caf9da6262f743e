import { BoundedLru } from '../common/bounded-lru.js';
import type { StoredCheckpoint } from './stored-checkpoint.js';

/**
 * The first layer: this process's memory, bounded in entries and in the size of each entry (a large
 * state lives only in Redis and PostgreSQL), so its worst case is `maxEntries × maxValueBytes`.
 */
export class MemoryCheckpointLayer {
  private readonly entries: BoundedLru<string, StoredCheckpoint>;

  constructor(
    maxEntries: number,
    private readonly maxValueBytes: number,
  ) {
    this.entries = new BoundedLru(maxEntries);
  }

  /** The live entry of `key`; an expired one is dropped. */
  get(key: string, now: number): StoredCheckpoint | undefined {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(key: string, entry: StoredCheckpoint): void {
    // A JS string's length in UTF-16 units is within a factor of two of its UTF-8 size either way; enough for a bound.
    if (entry.json.length > this.maxValueBytes) this.entries.delete(key);
    else this.entries.set(key, entry);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
