/** A token bucket: `capacity` requests at once, refilled at `ratePerMs`. Serialisable. */
export interface TokenBucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}

export interface TokenBucketPolicy {
  capacity: number;
  ratePerMs: number;
}

/** A full bucket at `now`. */
export const fullBucket = (policy: TokenBucketPolicy, now: number): TokenBucketState => ({ tokens: policy.capacity, updatedAt: now });

/**
 * Takes one token if there is one. Pure: returns whether the request may pass, the new state, and
 * when the next token arrives (for Retry-After).
 */
export function takeToken(
  state: TokenBucketState,
  policy: TokenBucketPolicy,
  now: number,
): { allowed: boolean; next: TokenBucketState; retryAfterMs: number } {
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(policy.capacity, state.tokens + elapsed * policy.ratePerMs);
  if (tokens >= 1) return { allowed: true, next: { tokens: tokens - 1, updatedAt: now }, retryAfterMs: 0 };
  const retryAfterMs = policy.ratePerMs > 0 ? Math.ceil((1 - tokens) / policy.ratePerMs) : Number.POSITIVE_INFINITY;
  return { allowed: false, next: { tokens, updatedAt: now }, retryAfterMs };
}
