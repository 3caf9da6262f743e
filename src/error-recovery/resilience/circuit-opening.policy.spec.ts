import { CircuitOpeningPolicy } from './circuit-opening.policy.js';
import type { CircuitBucket, CircuitPolicy } from './circuit-state.js';

const policy: CircuitPolicy = {
  failureThreshold: 5,
  failureRateThreshold: 50,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
  maxOpenMs: 60_000,
  halfOpenRequests: 1,
  probeTimeoutMs: 30_000,
};

function record(outcomes: boolean[], start: number, stepMs: number): { buckets: CircuitBucket[]; now: number } {
  let buckets: CircuitBucket[] = [];
  let now = start;
  for (const failed of outcomes) {
    buckets = CircuitOpeningPolicy.record(buckets, policy, now, failed);
    now += stepMs;
  }
  return { buckets, now: now - stepMs };
}

describe('CircuitOpeningPolicy', () => {
  it('opens on the consecutive threshold', () => {
    expect(CircuitOpeningPolicy.shouldOpen(4, { calls: 4, failures: 4 }, policy)).toBeNull();
    expect(CircuitOpeningPolicy.shouldOpen(5, { calls: 5, failures: 5 }, policy)).toBe('threshold');
  });

  it('opens on the failure rate only once the window holds minimumCalls calls', () => {
    expect(CircuitOpeningPolicy.shouldOpen(1, { calls: 19, failures: 19 }, policy)).toBeNull();
    expect(CircuitOpeningPolicy.shouldOpen(1, { calls: 20, failures: 10 }, policy)).toBe('failure_rate');
    expect(CircuitOpeningPolicy.shouldOpen(1, { calls: 20, failures: 9 }, policy)).toBeNull();
  });

  it('a 30 % failure rate never opens on rate', () => {
    const outcomes = Array.from({ length: 100 }, (_, i) => i % 10 < 3);
    const { buckets, now } = record(outcomes, 0, 50);
    const counts = CircuitOpeningPolicy.counts(buckets, policy, now);
    expect(counts.calls).toBeGreaterThanOrEqual(20);
    expect(CircuitOpeningPolicy.shouldOpen(1, counts, policy)).toBeNull();
  });

  it('keeps a rolling window of a few slices: old outcomes leave it', () => {
    const { buckets } = record([true, true, true], 0, 1000);
    expect(buckets.length).toBeLessThanOrEqual(5);
    expect(CircuitOpeningPolicy.counts(buckets, policy, 2_000)).toEqual({ calls: 3, failures: 3 });
    expect(CircuitOpeningPolicy.counts(buckets, policy, 11_000)).toEqual({ calls: 1, failures: 1 });
    expect(CircuitOpeningPolicy.counts(buckets, policy, 12_000)).toEqual({ calls: 0, failures: 0 });
    const later = CircuitOpeningPolicy.record(buckets, policy, 30_000, false);
    expect(later).toEqual([{ start: 30_000, calls: 1, failures: 0 }]);
  });

  it('open duration grows with consecutive trips and is capped', () => {
    expect([1, 2, 3, 12, 13, 50].map((t) => CircuitOpeningPolicy.openDurationMs(t, policy))).toEqual([5_000, 10_000, 15_000, 60_000, 60_000, 60_000]);
  });

  it('a closed breaker forgives one trip per maxOpenMs', () => {
    expect(CircuitOpeningPolicy.tripsRemembered(3, 0, policy, 59_999)).toBe(3);
    expect(CircuitOpeningPolicy.tripsRemembered(3, 0, policy, 60_000)).toBe(2);
    expect(CircuitOpeningPolicy.tripsRemembered(3, 0, policy, 180_000)).toBe(0);
    expect(CircuitOpeningPolicy.tripsRemembered(3, null, policy, 0)).toBe(0);
  });
});
