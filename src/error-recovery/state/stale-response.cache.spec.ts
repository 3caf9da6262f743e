import { resolveOptions } from '../error-recovery-options.js';
import { StaleResponseCache } from './stale-response.cache.js';

describe('StaleResponseCache', () => {
  const clock = { t: 0, now() { return this.t; }, sleep: async () => undefined };
  const cache = (): StaleResponseCache => new StaleResponseCache(resolveOptions({ clock }, {}));
  const body = (n: number): { data: string } => ({ data: 'x'.repeat(n) });

  it('is bounded by bytes: the oldest responses go to make room', () => {
    const stale = cache();
    const limits = { maxEntries: 100, maxBytes: 3000 };
    stale.set('a', body(1000), limits);
    stale.set('b', body(1000), limits);
    expect(stale.size).toBe(2);
    stale.set('c', body(1000), limits);
    expect(stale.get('a', 1000)).toBeUndefined();
    expect(stale.get('b', 1000)?.value).toEqual(body(1000));
    expect(stale.get('c', 1000)?.value).toEqual(body(1000));
    expect(stale.bytes).toBeLessThanOrEqual(3000);
  });

  it('does not keep a response larger than the whole bound, and keeps what it had', () => {
    const stale = cache();
    const limits = { maxEntries: 100, maxBytes: 3000 };
    stale.set('a', body(100), limits);
    stale.set('huge', body(10_000), limits);
    expect(stale.get('huge', 1000)).toBeUndefined();
    expect(stale.get('a', 1000)?.value).toEqual(body(100));
  });

  it('replacing a key frees its old bytes', () => {
    const stale = cache();
    const limits = { maxEntries: 100, maxBytes: 3000 };
    stale.set('a', body(2000), limits);
    stale.set('a', body(10), limits);
    expect(stale.bytes).toBeLessThan(100);
    stale.set('b', body(2000), limits);
    expect(stale.size).toBe(2);
  });

  it('is still bounded by entries', () => {
    const stale = cache();
    for (const key of ['a', 'b', 'c']) stale.set(key, 1, { maxEntries: 2, maxBytes: 1e6 });
    expect(stale.size).toBe(2);
    expect(stale.get('a', 1000)).toBeUndefined();
  });

  it("a route's own limits bound that route's responses only, never another route's", () => {
    const stale = cache();
    const defaults = { maxEntries: 500, maxBytes: 8 * 1024 * 1024 };
    for (const q of ['1', '2', '3']) stale.set(`GET /a /a?q=${q}`, body(10), defaults, 'GET /a');
    // Route b: @AiErrorHandler({ parameters: { fallback: { staleCache: true, staleMaxEntries: 1 } } })
    stale.set('GET /b /b?q=1', body(10), { maxEntries: 1, maxBytes: 1e6 }, 'GET /b');
    stale.set('GET /b /b?q=2', body(10), { maxEntries: 1, maxBytes: 1e6 }, 'GET /b');
    expect(['1', '2', '3'].map((q) => stale.get(`GET /a /a?q=${q}`, 1000)?.value)).toEqual([body(10), body(10), body(10)]);
    expect(stale.get('GET /b /b?q=1', 1000)).toBeUndefined();
    expect(stale.get('GET /b /b?q=2', 1000)?.value).toEqual(body(10));
    expect(stale.size).toBe(4);
  });

  it('the whole cache stays within the module-wide bound whatever the routes allow', () => {
    const stale = new StaleResponseCache(resolveOptions({ clock, parameters: { fallback: { staleMaxEntries: 2 } } }, {}));
    for (const route of ['a', 'b', 'c']) stale.set(`GET /${route} /${route}`, 1, { maxEntries: 100, maxBytes: 1e6 }, `GET /${route}`);
    expect(stale.size).toBe(2);
    expect(stale.get('GET /a /a', 1000)).toBeUndefined();
  });

  it('ages entries out', () => {
    const stale = cache();
    stale.set('a', body(10), { maxEntries: 2, maxBytes: 1e6 });
    clock.t += 5000;
    expect(stale.get('a', 4999)).toBeUndefined();
    expect(stale.bytes).toBe(0);
  });
});
