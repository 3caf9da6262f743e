import { Injectable } from '@nestjs/common';
import { BoundedHistory } from '../common/bounded-history.js';
import type { CacheKind } from './cache-target.interface.js';

/** One cache cleared (or attempted) by cache_clear, as the admin API lists it. */
export interface CacheClearRecord {
  /** ISO time the clear started. */
  at: string;
  error_id: string;
  cache: string;
  type: CacheKind;
  /** What was cleared: `keys matching '<pattern>'` or the exact keys. */
  pattern: string;
  outcome: 'cleared' | 'skipped' | 'failed';
  /** Keys cleared, when the store could count them. */
  keys: number | null;
  message: string;
}

/** Cool-downs kept at most (one per cache and scope); the oldest goes first. */
const MAX_COOLDOWNS = 10_000;

/**
 * The last 100 cache clears, newest first: clearing a shared cache affects every request after it.
 * Also when each cache and scope was last cleared, for cache_clear's cool-down.
 */
@Injectable()
export class CacheClearHistory {
  private readonly records = new BoundedHistory<CacheClearRecord>(100);
  private readonly lastCleared = new Map<string, number>();

  /** When `cache` was last cleared for `scope` (ms), if it was. */
  clearedAt(cache: string, scope: string): number | undefined {
    return this.lastCleared.get(`${cache}\u0000${scope}`);
  }

  /** Notes a clear of `cache` for `scope` at `at` (ms). */
  markCleared(cache: string, scope: string, at: number): void {
    const key = `${cache}\u0000${scope}`;
    this.lastCleared.delete(key);
    if (this.lastCleared.size >= MAX_COOLDOWNS) {
      const oldest = this.lastCleared.keys().next();
      if (!oldest.done) this.lastCleared.delete(oldest.value);
    }
    this.lastCleared.set(key, at);
  }

  /**
   * Takes back the mark {@link markCleared} set at `at` (a clear that did not happen), restoring
   * `previous`; a later mark by another clear is left alone.
   */
  unmarkCleared(cache: string, scope: string, at: number, previous: number | undefined): void {
    const key = `${cache}\u0000${scope}`;
    if (this.lastCleared.get(key) !== at) return;
    if (previous === undefined) this.lastCleared.delete(key);
    else this.lastCleared.set(key, previous);
  }

  add(record: CacheClearRecord): void {
    this.records.add(record);
  }

  history(): CacheClearRecord[] {
    return this.records.list();
  }
}
