import { backoffDelay, retryWait } from './backoff.js';

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

describe('retryWait', () => {
  const backoff = { kind: 'exponential' as const, baseMs: 50, maxMs: 500, jitter: true };
  const input = { attempt: 1, maxRetries: 3, remainingMs: 5000, attemptMs: 0, retryAfterMs: 0, backoff };

  it('uses short jittered delays when the budget is ample: uniform in [0, 50·2^(n-1))', () => {
    expect([1, 2, 3].map((attempt) => retryWait({ ...input, attempt }, () => 0.5))).toEqual([
      { kind: 'wait', delayMs: 25 },
      { kind: 'wait', delayMs: 50 },
      { kind: 'wait', delayMs: 100 },
    ]);
    expect(retryWait({ ...input, attempt: 9 }, () => 0.999)).toEqual({ kind: 'wait', delayMs: 499 });
  });

  it('sizes a delay so the attempts still to come fit: each gets an equal share of what is left', () => {
    const slow = { ...input, backoff: { ...backoff, baseMs: 1000, maxMs: 10_000, jitter: false } };
    // 3 attempts of ~1 s in 4.5 s: a share is 1.5 s, so at most 0.5 s of delay (not the 1 s backoff).
    expect(retryWait({ ...slow, remainingMs: 4500, attemptMs: 1000 })).toEqual({ kind: 'wait', delayMs: 500 });
    // The last attempt may take all that is left after its run.
    expect(retryWait({ ...slow, attempt: 3, remainingMs: 2500, attemptMs: 1000 })).toEqual({ kind: 'wait', delayMs: 1500 });
    // No room: retry at once rather than not at all.
    expect(retryWait({ ...slow, remainingMs: 2000, attemptMs: 1000 })).toEqual({ kind: 'wait', delayMs: 0 });
  });

  it('gives up when not even one attempt fits', () => {
    expect(retryWait({ ...input, remainingMs: 800, attemptMs: 900 })).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/^recovery budget exhausted before attempt 1/) });
    expect(retryWait({ ...input, remainingMs: 0 })).toMatchObject({ kind: 'skip' });
  });

  it('honours a Retry-After that fits, and skips honestly one that does not', () => {
    expect(retryWait({ ...input, retryAfterMs: 2000 })).toEqual({ kind: 'wait', delayMs: 2000 });
    expect(retryWait({ ...input, retryAfterMs: 30_000 })).toEqual({ kind: 'skip', reason: 'Retry-After of 30 s does not fit the 5000 ms of recovery budget left (attempt 1)' });
  });
});
