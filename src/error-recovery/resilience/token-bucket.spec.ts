import { fullBucket, takeToken, type TokenBucketPolicy } from './token-bucket.js';

// 60 per minute = one token per second, bursts of 3.
const policy: TokenBucketPolicy = { capacity: 3, ratePerMs: 60 / 60_000 };

describe('token bucket', () => {
  it('lets a burst of capacity through, then refuses with the wait until the next token', () => {
    let state = fullBucket(policy, 0);
    const results = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(state, policy, 0);
      results.push(r.allowed);
      state = r.next;
    }
    expect(results).toEqual([true, true, true, false]);
    expect(takeToken(state, policy, 250).retryAfterMs).toBe(750);
  });

  it('refills at the rate, never above capacity', () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(takeToken(empty, policy, 999).allowed).toBe(false);
    expect(takeToken(empty, policy, 1000).allowed).toBe(true);
    expect(takeToken(empty, policy, 3_600_000).next.tokens).toBe(2); // capped at 3, minus the one taken
  });
});
