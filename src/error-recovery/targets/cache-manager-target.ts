import type { CacheClearResult, CacheTarget } from './cache-target.interface.js';
import { globToRegExp, matchesEverything } from './cache-pattern.js';

/** One Keyv store of a cache-manager v6/v7 cache; `iterator` exists only where keys can be listed. */
interface KeyvStoreLike {
  iterator?: (namespace?: string) => AsyncIterable<readonly [string, unknown]>;
  /** Keyv's own presence test (namespace and expiry aware); tells a stored `null` from a miss. */
  has?: (key: string) => Promise<boolean>;
}

/**
 * The parts of a cache-manager (v6/v7) `Cache` used here, typed structurally so the library does
 * not depend on @nestjs/cache-manager, which stays optional for apps.
 */
export interface CacheManagerLike {
  clear(): Promise<boolean>;
  mdel(keys: string[]): Promise<boolean>;
  /**
   * Used, where present and the stores cannot answer `has`, to count the keys that are really there
   * before deleting them; `undefined` and `null` both read as a miss (stores differ on which they return).
   */
  get?(key: string): Promise<unknown>;
  stores?: KeyvStoreLike[];
}

/** Whether a CACHE_MANAGER provider has the cache-manager v6/v7 shape. */
export function isCacheManagerLike(value: unknown): value is CacheManagerLike {
  if (typeof value !== 'object' || value === null) return false;
  const cache = value as Partial<CacheManagerLike>;
  return typeof cache.clear === 'function' && typeof cache.mdel === 'function';
}

/** Keys deleted per `mdel` call, so one huge pattern does not build one huge call. */
const DELETE_BATCH = 500;

/**
 * The app's @nestjs/cache-manager cache. `*` clears every store; another pattern needs every store
 * to list its keys (the default in-memory Keyv store can, through `iterator`); otherwise it is skipped.
 */
export class CacheManagerTarget implements CacheTarget {
  readonly kind = 'cache-manager';

  constructor(
    private readonly cache: CacheManagerLike,
    readonly name = 'cache-manager',
  ) {}

  async clear(pattern: string): Promise<CacheClearResult> {
    const listable = this.listableStores();
    if (matchesEverything(pattern)) {
      // Counting first is only possible where keys can be listed; the count is then honest.
      const keys = listable ? (await this.keys(listable, () => true)).length : null;
      if (keys === 0) return { kind: 'skipped', reason: 'already empty' };
      if (!(await this.cache.clear())) throw new Error(`${this.name} clear() reported failure`);
      return { kind: 'cleared', keys };
    }
    if (!listable) return { kind: 'skipped', reason: 'pattern not supported by this store' };
    const regexp = globToRegExp(pattern);
    const keys = await this.keys(listable, (key) => regexp.test(key));
    if (keys.length === 0) return { kind: 'skipped', reason: `no keys matching '${pattern}'` };
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      if (!(await this.cache.mdel(keys.slice(i, i + DELETE_BATCH)))) throw new Error(`${this.name} mdel() reported failure`);
    }
    return { kind: 'cleared', keys: keys.length };
  }

  /** Deletes exactly `keys` (e.g. the failing request's own, as CacheInterceptor names it). */
  async clearKeys(keys: readonly string[]): Promise<CacheClearResult> {
    const isPresent = this.presenceTest();
    const present = isPresent ? (await Promise.all(keys.map(async (k) => ((await isPresent(k)) ? k : null)))).filter((k): k is string => k !== null) : [...keys];
    if (present.length === 0) return { kind: 'skipped', reason: keys.length === 1 ? `no key '${keys[0]}'` : 'none of the keys present' };
    for (let i = 0; i < present.length; i += DELETE_BATCH) {
      if (!(await this.cache.mdel(present.slice(i, i + DELETE_BATCH)))) throw new Error(`${this.name} mdel() reported failure`);
    }
    return { kind: 'cleared', keys: isPresent ? present.length : null };
  }

  /**
   * How to tell whether a key is there: every store's `has` (exact), else `get` (a `null` counts as a
   * miss, so a store that answers a miss with `null` does not report a clear that did not happen);
   * undefined when neither exists, and then the keys are deleted uncounted.
   */
  private presenceTest(): ((key: string) => Promise<boolean>) | undefined {
    const stores = this.cache.stores;
    if (Array.isArray(stores) && stores.length > 0 && stores.every((s) => typeof s.has === 'function')) {
      return async (key) => (await Promise.all(stores.map(async (s) => s.has?.(key) ?? false))).some(Boolean);
    }
    const get = this.cache.get;
    if (typeof get !== 'function') return undefined;
    return async (key) => {
      const value: unknown = await get.call(this.cache, key);
      return value !== undefined && value !== null;
    };
  }

  /** The stores when every one of them can list its keys; undefined otherwise. */
  private listableStores(): Required<KeyvStoreLike>[] | undefined {
    const stores = this.cache.stores;
    if (!Array.isArray(stores) || stores.length === 0) return undefined;
    return stores.every((s): s is Required<KeyvStoreLike> => typeof s.iterator === 'function') ? stores : undefined;
  }

  private async keys(stores: Required<KeyvStoreLike>[], match: (key: string) => boolean): Promise<string[]> {
    const found = new Set<string>();
    for (const store of stores) {
      for await (const [key] of store.iterator()) if (match(key)) found.add(key);
    }
    return [...found];
  }
}
