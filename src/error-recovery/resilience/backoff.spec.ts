import { backoffDelay } from './backoff.js';

const exp = { kind: 'exponential' as const, baseMs: 1000, maxMs: 10_000, jitter: false };

describe('backoffDelay', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10_000],
    [50, 10_000],
  ])('exponential attempt %i → %i ms (capped)', (attempt, delay) => {
    expect(backoffDelay(attempt, exp)).toBe(delay);
  });

  it('grows linearly or stays constant', () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...exp, kind: 'linear' }))).toEqual([1000, 2000, 3000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, { ...exp, kind: 'constant' }))).toEqual([1000, 1000, 1000]);
  });

  it('with full jitter picks uniformly in [0, cap)', () => {
    const jittered = { ...exp, jitter: true };
    expect(backoffDelay(3, jittered, () => 0)).toBe(0);
    expect(backoffDelay(3, jittered, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, jittered, () => 0.999999)).toBe(3999);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, jittered);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8000);
    }
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, exp)).toBe(1000);
    expect(backoffDelay(-3, exp)).toBe(1000);
  });
});
