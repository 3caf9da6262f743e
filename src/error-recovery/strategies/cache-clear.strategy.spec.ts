import { RecoveryBudget } from '../execute/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { resolveParameters } from '../error-recovery-options.js';
import { systemClock } from '../resilience/clock.js';
import { CacheClearHistory } from '../targets/cache-clear.history.js';
import { CustomCacheTarget } from '../targets/cache-custom-target.js';
import { globToRegExp } from '../targets/cache-pattern.js';
import type { CacheTarget } from '../targets/cache-target.interface.js';
import type { CacheTargets } from '../targets/cache-targets.js';
import { CacheClearStrategy } from './cache-clear.strategy.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import type { ClearableCache, StrategyParameters } from './strategy-parameters.interface.js';

/** A Map cache that clears by glob pattern and counts, like an app's own cache would. */
class MapCache implements ClearableCache {
  readonly map = new Map<string, unknown>();
  constructor(
    readonly name: string,
    keys: string[],
    readonly supportsPatterns = true,
  ) {
    for (const key of keys) this.map.set(key, { key });
  }
  clear(pattern?: string): number {
    const match = pattern ? globToRegExp(pattern) : /.*/;
    const keys = [...this.map.keys()].filter((k) => match.test(k));
    for (const k of keys) this.map.delete(k);
    return keys.length;
  }
}

/** A cache whose backend is down. */
const broken: ClearableCache = {
  name: 'broken',
  clear() {
    throw new Error('ECONNREFUSED 127.0.0.1:6379');
  },
};

/** A target of another kind, recording whether it was cleared. */
const queryResult = (): CacheTarget & { cleared: number } => ({
  name: 'query-result:postgres/app',
  kind: 'query-result',
  cleared: 0,
  async clear() {
    this.cleared++;
    return { kind: 'cleared', keys: null };
  },
});

function strategy(targets: CacheTarget[]): { strategy: CacheClearStrategy; history: CacheClearHistory } {
  const history = new CacheClearHistory();
  const caches = { targets: () => targets } as unknown as CacheTargets;
  return { strategy: new CacheClearStrategy(caches, history), history };
}

function context(cacheClear: StrategyParameters['cache_clear'], replay?: () => Promise<unknown>, overrides: Partial<RecoveryContext> = {}): RecoveryContext {
  return { ...specContext({ replay, parameters: resolveParameters({ cache_clear: cacheClear }, {}) }), budget: new RecoveryBudget(systemClock, 5000), ...overrides };
}

const fresh = async () => ({ fresh: true });

describe('CacheClearStrategy', () => {
  it('is skipped when no cache is registered', async () => {
    const outcome = await strategy([]).strategy.execute(context({}, fresh));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, success: false, message: 'no cache registered' }] });
  });

  it('clears every registered cache for cacheType all, one step each, then replays once', async () => {
    const products = new MapCache('products', ['products:1', 'products:2', 'users:1']);
    const qr = queryResult();
    let replays = 0;
    const outcome = await strategy([new CustomCacheTarget(products), qr]).strategy.execute(context({}, async () => ++replays));
    expect(products.map.size).toBe(0);
    expect(qr.cleared).toBe(1);
    expect(replays).toBe(1);
    expect(outcome.resolved).toBe(true);
    expect(outcome.result).toBe(1);
    expect(outcome.steps.map((s) => [s.success, s.skipped, s.message])).toEqual([
      [true, false, "cleared 3 keys matching '*' from products"],
      [true, false, "cleared keys matching '*' (count not available) from query-result:postgres/app"],
      [true, false, 'replay after cache clear succeeded'],
    ]);
    expect(outcome.steps[0].details).toEqual({ cache: 'products', type: 'custom', pattern: '*', cacheType: 'all', graceful: true, keysCleared: 3 });
  });

  it('clears only the caches of the selected cacheType', async () => {
    const products = new MapCache('products', ['products:1']);
    const qr = queryResult();
    const outcome = await strategy([new CustomCacheTarget(products), qr]).strategy.execute(context({ cacheType: 'query-result' }, fresh));
    expect(qr.cleared).toBe(1);
    expect(products.map.size).toBe(1);
    expect(outcome.steps.map((s) => s.details?.cache ?? s.message)).toEqual(['query-result:postgres/app', 'replay after cache clear succeeded']);
  });

  it('is skipped when no cache of the selected cacheType is registered', async () => {
    const outcome = await strategy([queryResult()]).strategy.execute(context({ cacheType: 'cache-manager' }, fresh));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, message: 'no cache-manager cache registered' }] });
  });

  it('clears only the keys matching clearPattern', async () => {
    const products = new MapCache('products', ['products:1', 'products:2', 'users:1']);
    const outcome = await strategy([new CustomCacheTarget(products)]).strategy.execute(context({ clearPattern: 'products:*' }, fresh));
    expect([...products.map.keys()]).toEqual(['users:1']);
    expect(outcome.steps[0].message).toBe("cleared 2 keys matching 'products:*' from products");
  });

  it('skips a cache that cannot honour a pattern, and does not replay when nothing was cleared', async () => {
    const plain = new MapCache('plain', ['products:1'], false);
    let replays = 0;
    const outcome = await strategy([new CustomCacheTarget(plain)]).strategy.execute(context({ clearPattern: 'products:*' }, async () => ++replays));
    expect(plain.map.size).toBe(1);
    expect(replays).toBe(0);
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, message: 'plain: pattern not supported by this store' }] });
  });

  it('reports a pattern matching nothing as skipped, not as success', async () => {
    const products = new MapCache('products', ['users:1']);
    const outcome = await strategy([new CustomCacheTarget(products)]).strategy.execute(context({ clearPattern: 'products:*' }, fresh));
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, success: false, message: "products: no keys matching 'products:*'" }] });
  });

  it('graceful: goes on after a failing cache and reports it as failed', async () => {
    const a = new MapCache('a', ['k']);
    const b = new MapCache('b', ['k']);
    const outcome = await strategy([new CustomCacheTarget(a), new CustomCacheTarget(broken), new CustomCacheTarget(b)]).strategy.execute(context({ graceful: true }, fresh));
    expect(a.map.size + b.map.size).toBe(0);
    expect(outcome.resolved).toBe(true);
    expect(outcome.steps.map((s) => [s.success, s.skipped])).toEqual([[true, false], [false, false], [true, false], [true, false]]);
    expect(outcome.steps[1].message).toBe('clearing broken failed: ECONNREFUSED 127.0.0.1:6379');
  });

  it('not graceful: stops at the first failure, names the caches not tried, does not replay', async () => {
    const a = new MapCache('a', ['k']);
    const b = new MapCache('b', ['k']);
    let replays = 0;
    const outcome = await strategy([new CustomCacheTarget(a), new CustomCacheTarget(broken), new CustomCacheTarget(b)]).strategy.execute(
      context({ graceful: false }, async () => ++replays),
    );
    expect(a.map.size).toBe(0);
    expect(b.map.size).toBe(1);
    expect(replays).toBe(0);
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps.map((s) => [s.success, s.skipped, s.message])).toEqual([
      [true, false, "cleared 1 key matching '*' from a"],
      [false, false, 'clearing broken failed: ECONNREFUSED 127.0.0.1:6379'],
      [false, true, 'not tried after that failure (graceful: false): b'],
    ]);
  });

  it('is not resolved when the replay fails again', async () => {
    const outcome = await strategy([new CustomCacheTarget(new MapCache('c', ['k']))]).strategy.execute(
      context({}, async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'price')");
      }),
    );
    expect(outcome.resolved).toBe(false);
    expect(outcome.steps.at(-1)).toMatchObject({ success: false, skipped: false, message: expect.stringMatching(/^replay after cache clear failed: Cannot read/) });
  });

  it.each<[string, Partial<RecoveryContext>, string]>([
    ['no handler in hand', { replay: undefined }, "cleared 1 key matching '*' from c; replay skipped: original request not available"],
    ['an unsafe request', { replaySafe: false }, "cleared 1 key matching '*' from c; replay skipped: not replay-safe"],
  ])('clears but does not replay for %s', async (_label, overrides, reason) => {
    const cache = new MapCache('c', ['k']);
    const outcome = await strategy([new CustomCacheTarget(cache)]).strategy.execute(context({}, fresh, overrides));
    expect(cache.map.size).toBe(0);
    expect(outcome).toMatchObject({ resolved: false, steps: [{ success: true, message: reason }] });
  });

  it('keeps a history of what it cleared', async () => {
    const { strategy: s, history } = strategy([new CustomCacheTarget(new MapCache('c', ['k'])), new CustomCacheTarget(broken)]);
    await s.execute(context({}, fresh));
    expect(history.history().map((h) => [h.cache, h.outcome, h.keys])).toEqual([
      ['broken', 'failed', null],
      ['c', 'cleared', 1],
    ]);
  });
});
