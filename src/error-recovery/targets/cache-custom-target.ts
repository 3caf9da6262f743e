import type { ClearableCache } from '../common/recovery-target.interface.js';
import type { CacheClearResult, CacheTarget } from './cache-target.interface.js';
import { matchesEverything } from './cache-pattern.js';

/** An app cache implementing `ClearableCache` (from `targets.caches` or marked `@ClearableCacheTarget()`). */
export class CustomCacheTarget implements CacheTarget {
  readonly kind = 'custom';

  constructor(private readonly cache: ClearableCache) {}

  get name(): string {
    return this.cache.name;
  }

  async clear(pattern: string): Promise<CacheClearResult> {
    const everything = matchesEverything(pattern);
    if (!everything && this.cache.supportsPatterns !== true) return { kind: 'skipped', reason: 'pattern not supported by this store' };
    const cleared = await this.cache.clear(everything ? undefined : pattern);
    if (cleared === 0) return { kind: 'skipped', reason: everything ? 'already empty' : `no keys matching '${pattern}'` };
    return { kind: 'cleared', keys: typeof cleared === 'number' ? cleared : null };
  }

  /**
   * Exact keys, through `clear(pattern)` of a store that honours patterns; a key with a glob
   * character would match more than itself, so such keys are left alone.
   */
  async clearKeys(keys: readonly string[]): Promise<CacheClearResult> {
    if (this.cache.supportsPatterns !== true) return { kind: 'skipped', reason: 'this store clears only as a whole (no supportsPatterns)' };
    const exact = keys.filter((k) => !/[*?]/.test(k));
    if (exact.length === 0) return { kind: 'skipped', reason: 'keys with glob characters cannot be cleared exactly' };
    let total: number | null = 0;
    for (const key of exact) {
      const cleared = await this.cache.clear(key);
      total = typeof cleared === 'number' && total !== null ? total + cleared : null;
    }
    if (total === 0) return { kind: 'skipped', reason: exact.length === 1 ? `no key '${exact[0]}'` : 'none of the keys present' };
    return { kind: 'cleared', keys: total };
  }
}
