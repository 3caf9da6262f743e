import type { ClearableCache } from '../strategies/strategy-parameters.interface.js';
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
}
