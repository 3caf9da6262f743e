import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { specContext } from '../execute/recovery-test-context.spec-helper.js';
import { resolveParameters } from '../error-recovery-options.js';
import { systemClock } from '../resilience/clock.js';
import { CacheClearHistory } from '../targets/cache-clear.history.js';
import { CustomCacheTarget } from '../targets/cache-custom-target.js';
import { CacheManagerTarget } from '../targets/cache-manager-target.js';
import { globToRegExp } from '../targets/cache-pattern.js';
import type { CacheTarget } from '../targets/cache-target.interface.js';
import type { CacheTargets } from '../targets/cache-targets.js';
import { CacheClearStrategy } from './cache-clear.strategy.js';
import type { RecoveryContext } from './recovery-strategy.interface.js';
import type { StrategyParameters } from './strategy-parameters.interface.js';
import type { ClearableCache } from '../common/recovery-target.interface.js';
import { StaleCacheError } from '../errors/stale-cache.error.js';
import type { Clock } from '../resilience/clock.js';

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

/** Most cases: an error that says a cached value is stale, and the whole caches in scope. */
function context(cacheClear: StrategyParameters['cache_clear'], replay?: () => Promise<unknown>, overrides: Partial<RecoveryContext> = {}): RecoveryContext {
  return {
    ...specContext({ replay, error: new StaleCacheError('stale entry'), parameters: resolveParameters({ cache_clear: { clearPattern: '*', ...cacheClear } }, {}) }),
    budget: new RecoveryBudget(systemClock, 5000),
    ...overrides,
  };
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
      [true, false, "cleared 3 keys matching '*' from products (stale entry)"],
      [true, false, "cleared keys matching '*' (count not available) from query-result:postgres/app (stale entry)"],
      [true, false, 'replay after cache clear succeeded'],
    ]);
    expect(outcome.steps[0].details).toEqual({ cache: 'products', type: 'custom', pattern: '*', cacheType: 'all', graceful: true, keysCleared: 3, evidence: 'stale entry' });
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
    expect(outcome.steps[0].message).toBe("cleared 2 keys matching 'products:*' from products (stale entry)");
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
      [true, false, "cleared 1 key matching '*' from a (stale entry)"],
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
    ['no handler in hand', { replay: undefined }, 'nothing will be re-run (original request not available): caches left alone'],
    ['an unsafe request', { replaySafe: false }, 'nothing will be re-run (not replay-safe): caches left alone'],
  ])('clears nothing for %s: nothing would use the fresh data', async (_label, overrides, reason) => {
    const cache = new MapCache('c', ['k']);
    const outcome = await strategy([new CustomCacheTarget(cache)]).strategy.execute(context({}, fresh, overrides));
    expect(cache.map.size).toBe(1);
    expect(outcome).toMatchObject({ resolved: false, steps: [{ skipped: true, message: reason }] });
  });

  it('clears nothing without evidence of stale data, unless onAnyError', async () => {
    const cache = new MapCache('c', ['k']);
    const noEvidence = { error: new Error('connection terminated unexpectedly'), classification: { ...specContext().classification, errorType: 'DatabaseError' } };
    const skipped = await strategy([new CustomCacheTarget(cache)]).strategy.execute(context({}, fresh, noEvidence));
    expect(cache.map.size).toBe(1);
    expect(skipped).toMatchObject({ resolved: false, steps: [{ skipped: true, message: 'no evidence of stale or corrupt data (DatabaseError): a flush would only add load' }] });
    const cleared = await strategy([new CustomCacheTarget(cache)]).strategy.execute(context({ onAnyError: true }, fresh, noEvidence));
    expect(cache.map.size).toBe(0);
    expect(cleared.resolved).toBe(true);
  });

  it('by default clears only the keys the error names, in the caches that can clear single keys', async () => {
    const products = new MapCache('products', ['products:1', 'products:2']);
    const whole = new MapCache('whole', ['products:1'], false);
    const outcome = await strategy([new CustomCacheTarget(products), new CustomCacheTarget(whole)]).strategy.execute(
      context({ clearPattern: null }, fresh, { error: new StaleCacheError('products:1 is stale', ['products:1']) }),
    );
    expect([...products.map.keys()]).toEqual(['products:2']);
    expect(whole.map.size).toBe(1);
    expect(outcome.steps.map((s) => [s.success, s.skipped, s.message])).toEqual([
      [true, false, "cleared key 'products:1' from products (products:1 is stale)"],
      [false, true, 'whole: this store clears only as a whole (no supportsPatterns)'],
      [true, false, 'replay after cache clear succeeded'],
    ]);
  });

  it('by default has nothing to clear for a non-GET request that names no key', async () => {
    const products = new MapCache('products', ['products:1']);
    const request = { raw: {}, method: 'PUT', url: '/products/1', headers: {}, body: {} };
    const outcome = await strategy([new CustomCacheTarget(products)]).strategy.execute(context({ clearPattern: null }, fresh, { request }));
    expect(products.map.size).toBe(1);
    expect(outcome.steps[0]).toMatchObject({ skipped: true, message: expect.stringMatching(/^a PUT request has no cached response of its own/) });
  });

  it('clears the same keys of one cache at most once per cool-down (injected clock)', async () => {
    const clock = { t: 0, now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
    const products = new MapCache('products', ['products:1']);
    const { strategy: s } = strategy([new CustomCacheTarget(products)]);
    const run = () => s.execute(context({ coolDownMs: 30_000 }, fresh, { clock }));
    expect((await run()).resolved).toBe(true);
    products.map.set('products:1', {});
    clock.t = 29_999;
    expect((await run()).steps).toMatchObject([{ skipped: true, message: "products: keys matching '*' cleared 29 s ago (cool-down, 1 s left)" }]);
    expect(products.map.size).toBe(1);
    clock.t = 30_000;
    expect((await run()).resolved).toBe(true);
    expect(products.map.size).toBe(0);
  });

  it('clears once for concurrent errors: the cool-down holds while the first clear is still running', async () => {
    const pending: (() => void)[] = [];
    const slow: ClearableCache = {
      name: 'redis',
      supportsPatterns: true,
      clear: () => new Promise<number>((resolve) => void pending.push(() => resolve(1))),
    };
    const { strategy: s } = strategy([new CustomCacheTarget(slow)]);
    const first = s.execute(context({ coolDownMs: 30_000 }, fresh));
    await new Promise((resolve) => setImmediate(resolve));
    const secondRun = s.execute(context({ coolDownMs: 30_000 }, fresh));
    await new Promise((resolve) => setImmediate(resolve));
    const clears = pending.length;
    for (const finish of pending) finish();
    const second = await secondRun;
    expect((await first).resolved).toBe(true);
    expect(second.steps).toMatchObject([{ skipped: true, message: expect.stringContaining('cool-down') }]);
    expect(clears).toBe(1);
  });

  it('a clear that failed does not start the cool-down', async () => {
    let fail = true;
    const flaky: ClearableCache = {
      name: 'redis',
      supportsPatterns: true,
      clear: () => {
        if (fail) throw new Error('ECONNRESET');
        return 1;
      },
    };
    const { strategy: s } = strategy([new CustomCacheTarget(flaky)]);
    expect((await s.execute(context({ coolDownMs: 30_000 }, fresh))).steps).toMatchObject([{ success: false, skipped: false }]);
    fail = false;
    expect((await s.execute(context({ coolDownMs: 30_000 }, fresh))).resolved).toBe(true);
  });

  it('keeps secrets of the request URL out of its history, as out of the stored actions', async () => {
    const entries = new Map<string, unknown>([['/products?access_token=abc123&page=2', { cached: true }]]);
    const manager = new CacheManagerTarget({
      clear: async () => true,
      mdel: async (keys: string[]) => keys.every((k) => entries.delete(k)),
      get: async (k: string) => entries.get(k),
    });
    const request = { raw: {}, method: 'GET', url: '/products?access_token=abc123&page=2', headers: {}, body: undefined };
    const { strategy: s, history } = strategy([manager]);
    const outcome = await s.execute(context({ clearPattern: null }, fresh, { request, error: new SyntaxError('Unexpected token < in JSON at position 0') }));
    expect(outcome.resolved).toBe(true);
    expect(entries.size).toBe(0);
    expect(JSON.stringify(history.history())).not.toContain('abc123');
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
