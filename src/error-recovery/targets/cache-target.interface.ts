/** Where a cache comes from; `cacheType` of the cache_clear parameters selects by it. */
export type CacheKind = 'cache-manager' | 'query-result' | 'custom';

/** What clearing one cache did. `keys` is null when the store cannot say how many keys went. */
export type CacheClearResult = { kind: 'cleared'; keys: number | null } | { kind: 'skipped'; reason: string };

/**
 * One cache the cache_clear strategy can clear, whatever its backend. `clear` throws when the
 * backend fails; "nothing to clear" and "cannot do this pattern" are skips, not failures.
 */
export interface CacheTarget {
  readonly name: string;
  readonly kind: CacheKind;
  clear(pattern: string): Promise<CacheClearResult>;
  /** Deletes exactly these keys. Absent where the store cannot (the strategy then skips it). */
  clearKeys?(keys: readonly string[]): Promise<CacheClearResult>;
}

/** A cache as the admin API lists it. */
export interface CacheTargetView {
  name: string;
  type: CacheKind;
}
