import { createCache } from 'cache-manager';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { CacheManagerTarget } from './cache-manager-target.js';
import { globToRegExp, matchesEverything } from './cache-pattern.js';

/** A Keyv store that cannot list its keys (like most remote stores without an iterator). */
function opaqueStore(): KeyvStoreAdapter {
  const map = new Map<string, unknown>();
  return {
    opts: {},
    namespace: undefined,
    get: async (key: string) => map.get(key),
    set: async (key: string, value: unknown) => void map.set(key, value),
    delete: async (key: string) => map.delete(key),
    clear: async () => map.clear(),
    on: () => undefined,
  } as unknown as KeyvStoreAdapter;
}

async function filled(cache: ReturnType<typeof createCache>): Promise<void> {
  for (const key of ['products:1', 'products:2', 'users:1']) await cache.set(key, { key });
}

describe('CacheManagerTarget (cache-manager v7, real stores)', () => {
  it('deletes only the keys matching a pattern from the default in-memory store', async () => {
    const cache = createCache();
    await filled(cache);
    const result = await new CacheManagerTarget(cache).clear('products:*');
    expect(result).toEqual({ kind: 'cleared', keys: 2 });
    expect(await cache.get('products:1')).toBeUndefined();
    expect(await cache.get('users:1')).toEqual({ key: 'users:1' });
  });

  it('clears everything for * and counts what it cleared', async () => {
    const cache = createCache();
    await filled(cache);
    expect(await new CacheManagerTarget(cache).clear('*')).toEqual({ kind: 'cleared', keys: 3 });
    expect(await cache.get('users:1')).toBeUndefined();
  });

  it('matches keys across layered stores (namespaced Keyv over a Map)', async () => {
    const cache = createCache({ stores: [new Keyv({ store: new Map(), namespace: 'l1' }), new Keyv({ store: new Map(), namespace: 'l2' })] });
    await filled(cache);
    expect(await new CacheManagerTarget(cache).clear('users:?')).toEqual({ kind: 'cleared', keys: 1 });
    expect(await cache.get('users:1')).toBeUndefined();
    expect(await cache.get('products:1')).toEqual({ key: 'products:1' });
  });

  it('reports an empty cache or an unmatched pattern as skipped', async () => {
    const cache = createCache();
    expect(await new CacheManagerTarget(cache).clear('*')).toEqual({ kind: 'skipped', reason: 'already empty' });
    await filled(cache);
    expect(await new CacheManagerTarget(cache).clear('orders:*')).toEqual({ kind: 'skipped', reason: "no keys matching 'orders:*'" });
  });

  it('with a store that cannot list keys: clears all for *, skips any other pattern', async () => {
    const cache = createCache({ stores: [new Keyv({ store: opaqueStore() })] });
    await filled(cache);
    expect(await new CacheManagerTarget(cache).clear('products:*')).toEqual({ kind: 'skipped', reason: 'pattern not supported by this store' });
    expect(await cache.get('products:1')).toEqual({ key: 'products:1' });
    expect(await new CacheManagerTarget(cache).clear('*')).toEqual({ kind: 'cleared', keys: null });
    expect(await cache.get('products:1')).toBeUndefined();
  });

  it('deletes exact keys, even from a store that cannot list them, and counts only those present', async () => {
    for (const cache of [createCache(), createCache({ stores: [new Keyv({ store: opaqueStore() })] })]) {
      await filled(cache);
      await cache.set('/products?page=2', { page: 2 });
      const target = new CacheManagerTarget(cache);
      expect(await target.clearKeys(['/products?page=2', 'products:9'])).toEqual({ kind: 'cleared', keys: 1 });
      expect(await cache.get('/products?page=2')).toBeUndefined();
      expect(await cache.get('products:1')).toEqual({ key: 'products:1' }); // '?' and '*' are not patterns here
      expect(await target.clearKeys(['/products?page=2'])).toEqual({ kind: 'skipped', reason: "no key '/products?page=2'" });
    }
  });

  it('does not count a key as present when the cache answers a miss with null', async () => {
    const map = new Map<string, unknown>([['kept', 1]]);
    const nullOnMiss = {
      get: async (key: string) => (map.has(key) ? map.get(key) : null),
      mdel: async (keys: string[]) => keys.every((k) => map.delete(k) || true),
      clear: async () => (map.clear(), true),
    };
    const target = new CacheManagerTarget(nullOnMiss);
    expect(await target.clearKeys(['missing'])).toEqual({ kind: 'skipped', reason: "no key 'missing'" });
    expect(await target.clearKeys(['kept', 'missing'])).toEqual({ kind: 'cleared', keys: 1 });
    expect(map.has('kept')).toBe(false);
  });

  it('asks the Keyv stores, so a key holding null is still found and deleted', async () => {
    const cache = createCache();
    await cache.set('nothing', null);
    expect(await new CacheManagerTarget(cache).clearKeys(['nothing'])).toEqual({ kind: 'cleared', keys: 1 });
    expect(await cache.stores[0].has('nothing')).toBe(false);
  });

  it('throws when the store fails, so the strategy records a failure', async () => {
    const cache = createCache();
    await filled(cache);
    const failing = { ...cache, stores: cache.stores, clear: async () => Promise.reject(new Error('store down')) };
    await expect(new CacheManagerTarget(failing).clear('*')).rejects.toThrow('store down');
  });
});

describe('glob patterns', () => {
  it.each<[string, string, boolean]>([
    ['products:*', 'products:42', true],
    ['products:*', 'products:', true],
    ['products:*', 'users:42', false],
    ['user:?', 'user:1', true],
    ['user:?', 'user:12', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['*:v1', 'orders:list:v1', true],
  ])('%s against %s → %s', (pattern, key, expected) => {
    expect(globToRegExp(pattern).test(key)).toBe(expected);
  });

  it('treats * and ** as "everything"', () => {
    expect([matchesEverything('*'), matchesEverything('**'), matchesEverything('a*')]).toEqual([true, true, false]);
  });
});
