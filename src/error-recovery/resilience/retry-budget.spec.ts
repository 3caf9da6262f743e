import { retryBudgetExhausted, retryFits, type RetryBudgetPolicy } from './retry-budget.js';
import { RetryBudgetWindow } from './retry-budget.window.js';

const policy: RetryBudgetPolicy = { ratio: 0.5, minRetries: 10, windowMs: 10_000 };

/** A deterministic source in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('retryFits', () => {
  it('allows retries up to floor + ratio × requests', () => {
    expect(retryFits(9, 0, policy)).toBe(true);
    expect(retryFits(10, 0, policy)).toBe(false);
    expect(retryFits(59, 100, policy)).toBe(true);
    expect(retryFits(60, 100, policy)).toBe(false);
    expect(retryFits(1e9, 0, { ...policy, ratio: Infinity, minRetries: 0 })).toBe(false);
    expect(retryFits(1e9, 1, { ...policy, ratio: Infinity })).toBe(true);
  });

  it('says why it refused', () => {
    expect(retryBudgetExhausted(60, 100, 10_000)).toBe('retry budget exhausted (60 retries for 100 requests in 10 s)');
  });
});

describe('RetryBudgetWindow', () => {
  it('counts requests and retries over a rolling window of ten buckets', () => {
    const w = new RetryBudgetWindow(10_000);
    for (let t = 0; t < 10_000; t += 100) w.recordRequest(t); // 100 requests over 10 s
    expect(w.totals(9_999)).toEqual({ requests: 100, retries: 0 });
    expect(w.totals(10_000)).toEqual({ requests: 90, retries: 0 }); // the first second fell out
    expect(w.totals(25_000)).toEqual({ requests: 0, retries: 0 });
  });

  it('refuses once retries reach floor + ratio × requests, and refills as the window moves', () => {
    const w = new RetryBudgetWindow(10_000);
    for (let i = 0; i < 20; i++) w.recordRequest(0);
    const allowed = Array.from({ length: 30 }, () => w.tryRetry(0, policy).allowed).filter(Boolean).length;
    expect(allowed).toBe(20); // 10 + 0.5 × 20
    expect(w.tryRetry(0, policy)).toEqual({ allowed: false, retries: 20, requests: 20 });
    expect(w.tryRetry(10_000, policy).allowed).toBe(true); // a new window
  });

  it('starts afresh when the clock goes back', () => {
    const w = new RetryBudgetWindow(10_000);
    w.recordRequest(50_000);
    expect(w.totals(40_000)).toEqual({ requests: 0, retries: 0 });
  });

  it('cuts a storm against a dependency that is down to the budget', () => {
    const w = new RetryBudgetWindow(10_000);
    let retries = 0;
    for (let i = 0; i < 1000; i++) {
      const now = i * 10; // 1000 requests in 10 s
      w.recordRequest(now);
      for (let attempt = 1; attempt <= 3 && w.tryRetry(now, policy).allowed; attempt++) retries++; // every attempt fails
    }
    // Without a budget: 3000 retries. With it: about half a retry per request.
    expect(retries).toBeLessThanOrEqual(0.5 * 1000 + 10 + 10);
    expect(retries).toBeGreaterThan(400);
  });

  it('never starves a 30 %-flaky dependency (about 0.43 retries per request for three attempts)', () => {
    const random = seeded(42);
    const w = new RetryBudgetWindow(10_000);
    let served = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const now = i * 5;
      w.recordRequest(now);
      let ok = random() >= 0.3;
      for (let attempt = 1; attempt <= 3 && !ok; attempt++) {
        if (!w.tryRetry(now, policy).allowed) {
          refused++;
          break;
        }
        ok = random() >= 0.3;
      }
      if (ok) served++;
    }
    expect(refused).toBe(0);
    expect(served / 3000).toBeGreaterThanOrEqual(0.98); // 1 − 0.3⁴ ≈ 99.2 % on average
  });
});
