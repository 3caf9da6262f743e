import { Inject, Injectable } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { fullBucket, takeToken, type TokenBucketPolicy, type TokenBucketState } from '../resilience/token-bucket.js';

/** An active throttle, as the API lists it. */
export interface ThrottleView {
  route: string;
  scope: 'route' | 'client';
  requests_per_minute: number;
  burst_size: number;
  until: string;
  rejected: number;
}

interface Throttle {
  scope: 'route' | 'client';
  policy: TokenBucketPolicy;
  requestsPerMinute: number;
  until: number;
  buckets: Map<string, TokenBucketState>;
  rejected: number;
}

/** Buckets kept per throttled route at most, so client keys cannot grow memory without bound. */
const MAX_CLIENT_BUCKETS = 10_000;

/**
 * Token-bucket limits that request_throttle turns on for a route (whole route, or each client apart)
 * for a cool-down window; they lift by themselves. Routes without a throttle cost one Map lookup.
 */
@Injectable()
export class ThrottleRegistry {
  private readonly throttles = new Map<string, Throttle>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** Whether a request may pass; `retryAfterMs` when it may not. */
  check(route: string, client: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    if (this.throttles.size === 0) return { allowed: true };
    const throttle = this.throttles.get(route);
    if (!throttle) return { allowed: true };
    const now = this.options.clock.now();
    if (now >= throttle.until) {
      this.throttles.delete(route);
      return { allowed: true };
    }
    const key = throttle.scope === 'client' ? client : '*';
    if (!throttle.buckets.has(key) && throttle.buckets.size >= MAX_CLIENT_BUCKETS) throttle.buckets.clear();
    const state = throttle.buckets.get(key) ?? fullBucket(throttle.policy, now);
    const { allowed, next, retryAfterMs } = takeToken(state, throttle.policy, now);
    throttle.buckets.set(key, next);
    if (allowed) return { allowed: true };
    throttle.rejected++;
    return { allowed: false, retryAfterMs };
  }

  /** Turns a throttle on; false when one is already active on the route. */
  activate(route: string, scope: 'route' | 'client', requestsPerMinute: number, burstSize: number, coolDownMs: number): { until: number } | false {
    const now = this.options.clock.now();
    const existing = this.throttles.get(route);
    if (existing && existing.until > now) return false;
    const until = now + coolDownMs;
    this.throttles.set(route, {
      scope,
      policy: { capacity: Math.max(1, burstSize), ratePerMs: requestsPerMinute / 60_000 },
      requestsPerMinute,
      until,
      buckets: new Map(),
      rejected: 0,
    });
    return { until };
  }

  /** Lifts a throttle by hand. */
  lift(route: string): boolean {
    return this.throttles.delete(route);
  }

  list(): ThrottleView[] {
    const now = this.options.clock.now();
    return [...this.throttles.entries()]
      .filter(([, t]) => t.until > now)
      .map(([route, t]) => ({
        route,
        scope: t.scope,
        requests_per_minute: t.requestsPerMinute,
        burst_size: t.policy.capacity,
        until: new Date(t.until).toISOString(),
        rejected: t.rejected,
      }));
  }
}
