import { Inject, Injectable } from '@nestjs/common';
import { RecoveryEvents } from '../events/recovery-events.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { fullBucket, takeToken, type TokenBucketPolicy, type TokenBucketState } from '../resilience/token-bucket.js';

/** An active throttle, as the API lists it. */
export interface ThrottleView {
  route: string;
  scope: 'route' | 'client';
  client: string | null;
  requests_per_minute: number;
  burst_size: number;
  until: string;
  rejected: number;
}

interface Throttle {
  /** The route it limits (a client key may hold anything, so it is not parsed back out of the map key). */
  route: string;
  scope: 'route' | 'client';
  /** For a client throttle: the client it limits. */
  client?: string;
  policy: TokenBucketPolicy;
  requestsPerMinute: number;
  until: number;
  buckets: Map<string, TokenBucketState>;
  rejected: number;
}

/** Throttles kept at most, so per-client throttles cannot grow memory without bound. */
const MAX_THROTTLES = 10_000;

/**
 * Token-bucket limits that request_throttle turns on for a route, or for one client of a route, for a
 * cool-down window; they lift by themselves. With no throttle active a check costs one size test.
 */
@Injectable()
export class ThrottleRegistry {
  private readonly throttles = new Map<string, Throttle>();
  /** Earliest `until` of the throttles kept (may be earlier than the true one; never later). */
  private earliestUntil = Number.POSITIVE_INFINITY;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly events: RecoveryEvents,
  ) {}

  /** Whether any throttle is kept, expired or not: one size read, for the request path's first check. */
  get any(): boolean {
    return this.throttles.size > 0;
  }

  /**
   * Whether any throttle is on (checked first, so requests pay nothing while none is). Expired
   * throttles are dropped here: an expired one must not keep every request on the slow path, nor
   * show as active, just because no request of its route came since.
   */
  get active(): boolean {
    if (this.throttles.size === 0) return false;
    if (this.options.clock.now() >= this.earliestUntil) this.prune();
    return this.throttles.size > 0;
  }

  /** Whether a request may pass: the route's throttle, then the client's own on that route. */
  check(route: string, client: string | undefined): { allowed: true } | { allowed: false; retryAfterMs: number } {
    if (this.throttles.size === 0) return { allowed: true };
    const whole = this.take(route);
    if (!whole.allowed || client === undefined) return whole;
    return this.take(ThrottleRegistry.key(route, 'client', client));
  }

  /** Key of a throttle: the route, or the route and one client. */
  static key(route: string, scope: 'route' | 'client', client?: string): string {
    return scope === 'client' ? `${route} @${client ?? 'unknown'}` : route;
  }

  /**
   * Turns a throttle on for the route, or for one client of it; false when one is already active.
   * Client throttles are bounded in number: the oldest client throttle goes first.
   */
  activate(route: string, scope: 'route' | 'client', client: string | undefined, requestsPerMinute: number, burstSize: number, coolDownMs: number): { until: number } | false {
    const now = this.options.clock.now();
    const key = ThrottleRegistry.key(route, scope, client);
    const existing = this.throttles.get(key);
    if (existing && existing.until > now) return false;
    if (!existing && scope === 'client' && this.throttles.size >= MAX_THROTTLES) {
      this.prune();
      // The oldest client throttle goes, never a route's: those are one per route (bounded by the
      // app's routes), and a flood of clients must not lift an overload limit.
      for (const [k, t] of this.throttles) {
        if (this.throttles.size < MAX_THROTTLES) break;
        if (t.scope === 'client') this.throttles.delete(k);
      }
    }
    const until = now + coolDownMs;
    this.earliestUntil = Math.min(this.earliestUntil, until);
    this.throttles.set(key, {
      route,
      scope,
      client,
      policy: { capacity: Math.max(1, burstSize), ratePerMs: requestsPerMinute / 60_000 },
      requestsPerMinute,
      until,
      buckets: new Map(),
      rejected: 0,
    });
    return { until };
  }

  /** Drops expired throttles and recomputes the earliest expiry. */
  private prune(): void {
    const now = this.options.clock.now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, t] of this.throttles) {
      if (t.until <= now) this.throttles.delete(key);
      else earliest = Math.min(earliest, t.until);
    }
    this.earliestUntil = earliest;
  }

  private take(key: string): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const throttle = this.throttles.get(key);
    if (!throttle) return { allowed: true };
    const now = this.options.clock.now();
    if (now >= throttle.until) {
      this.throttles.delete(key);
      return { allowed: true };
    }
    const state = throttle.buckets.get('*') ?? fullBucket(throttle.policy, now);
    const { allowed, next, retryAfterMs } = takeToken(state, throttle.policy, now);
    throttle.buckets.set('*', next);
    if (allowed) return { allowed: true };
    throttle.rejected++;
    // The client is left out: alerts name the throttled route, not who was refused.
    this.events.emit('throttle.rejected', { route: throttle.route, scope: throttle.scope, retryAfterMs });
    return { allowed: false, retryAfterMs };
  }

  /** Lifts a throttle by hand; false when there was none in force. */
  lift(route: string): boolean {
    this.prune();
    return this.throttles.delete(route);
  }

  /** The throttles in force. */
  list(): ThrottleView[] {
    this.prune();
    return [...this.throttles.entries()]
      .map(([, t]) => ({
        route: t.route,
        scope: t.scope,
        client: t.client ?? null,
        requests_per_minute: t.requestsPerMinute,
        burst_size: t.policy.capacity,
        until: new Date(t.until).toISOString(),
        rejected: t.rejected,
      }));
  }
}
