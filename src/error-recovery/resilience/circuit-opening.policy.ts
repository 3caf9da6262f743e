import type { CircuitBucket, CircuitPolicy } from './circuit-state.js';

/** Slices of the rolling window: fine enough that old outcomes leave it smoothly, few enough to store. */
export const WINDOW_BUCKETS = 5;

/** Calls and failures the window holds at `now`. */
export interface WindowCounts {
  calls: number;
  failures: number;
}

/** Why a closed breaker opens, or null when it stays closed. */
export type OpeningReason = 'threshold' | 'failure_rate';

/**
 * When a closed breaker opens, and for how long — the rule apart from the state machine
 * (cockatiel's ConsecutiveBreaker/SamplingBreaker; Envoy's outlier ejection for the duration).
 * Pure functions of their inputs; time is passed in.
 */
export const CircuitOpeningPolicy = {
  /** The window's slices still inside it at `now`, with one outcome added. */
  record(buckets: readonly CircuitBucket[], policy: CircuitPolicy, now: number, failed: boolean): CircuitBucket[] {
    const size = bucketMs(policy);
    const start = Math.floor(now / size) * size;
    const kept = CircuitOpeningPolicy.live(buckets, policy, now);
    const last = kept.at(-1);
    const add = { calls: 1, failures: failed ? 1 : 0 };
    if (last?.start === start) {
      kept[kept.length - 1] = { start, calls: last.calls + add.calls, failures: last.failures + add.failures };
    } else {
      kept.push({ start, ...add });
    }
    return kept;
  },

  /** Slices that still overlap the window ending at `now`. */
  live(buckets: readonly CircuitBucket[], policy: CircuitPolicy, now: number): CircuitBucket[] {
    const size = bucketMs(policy);
    const oldest = Math.floor(now / size) * size - (WINDOW_BUCKETS - 1) * size;
    return buckets.filter((b) => b.start >= oldest && b.start <= now);
  },

  counts(buckets: readonly CircuitBucket[], policy: CircuitPolicy, now: number): WindowCounts {
    let calls = 0;
    let failures = 0;
    for (const b of CircuitOpeningPolicy.live(buckets, policy, now)) {
      calls += b.calls;
      failures += b.failures;
    }
    return { calls, failures };
  },

  /**
   * Whether the breaker opens: `failureThreshold` consecutive failures, or a failure rate of at
   * least `failureRateThreshold` % once the window holds `minimumCalls` calls (so a handful of
   * calls in a quiet minute cannot open it on rate alone).
   */
  shouldOpen(consecutiveFailures: number, window: WindowCounts, policy: CircuitPolicy): OpeningReason | null {
    if (consecutiveFailures >= policy.failureThreshold) return 'threshold';
    if (window.calls >= policy.minimumCalls && window.failures * 100 >= window.calls * policy.failureRateThreshold) return 'failure_rate';
    return null;
  },

  /** Open duration of trip number `trips` (1 for the first): base × trips, capped (Envoy). */
  openDurationMs(trips: number, policy: CircuitPolicy): number {
    return Math.min(policy.openMs * Math.max(1, trips), Math.max(policy.openMs, policy.maxOpenMs));
  },

  /**
   * Trips still remembered at `now` by a breaker that closed at `closedAt` after `trips` trips:
   * each full `maxOpenMs` spent closed forgives one (Envoy decrements its ejection multiplier the
   * same way), so a dependency that flaps keeps long ejections while one that recovered starts short.
   */
  tripsRemembered(trips: number, closedAt: number | null, policy: CircuitPolicy, now: number): number {
    if (trips <= 0 || closedAt === null) return 0;
    const forgiven = Math.floor(Math.max(0, now - closedAt) / Math.max(1, policy.maxOpenMs));
    return Math.max(0, trips - forgiven);
  },
};

function bucketMs(policy: CircuitPolicy): number {
  return Math.max(1, Math.ceil(policy.windowMs / WINDOW_BUCKETS));
}
