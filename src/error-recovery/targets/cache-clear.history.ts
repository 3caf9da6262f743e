import { Injectable } from '@nestjs/common';
import { BoundedHistory } from '../strategies/bounded-history.js';
import type { CacheKind } from './cache-target.interface.js';

/** One cache cleared (or attempted) by cache_clear, as the admin API lists it. */
export interface CacheClearRecord {
  /** ISO time the clear started. */
  at: string;
  error_id: string;
  cache: string;
  type: CacheKind;
  pattern: string;
  outcome: 'cleared' | 'skipped' | 'failed';
  /** Keys cleared, when the store could count them. */
  keys: number | null;
  message: string;
}

/** The last 100 cache clears, newest first: clearing a shared cache affects every request after it. */
@Injectable()
export class CacheClearHistory {
  private readonly records = new BoundedHistory<CacheClearRecord>(100);

  add(record: CacheClearRecord): void {
    this.records.add(record);
  }

  history(): CacheClearRecord[] {
    return this.records.list();
  }
}
