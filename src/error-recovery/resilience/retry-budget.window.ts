import { retryFits, type RetryBudgetPolicy } from './retry-budget.js';

const BUCKETS = 10;

/** Outcome of {@link RetryBudgetWindow.tryRetry}. */
export type RetryAdmission = { allowed: true } | { allowed: false; retries: number; requests: number };

const ALLOWED: RetryAdmission = { allowed: true };

/**
 * Requests and retries of one route over a rolling window, in ten time buckets. Made once per route
 * (hung on its cached RouteInfo): counting a request costs a division and two increments — no
 * lookup, no timer, no allocation — because every request of the route pays it.
 */
export class RetryBudgetWindow {
  private readonly requests = new Uint32Array(BUCKETS);
  private readonly retries = new Uint32Array(BUCKETS);
  private readonly bucketMs: number;
  /** Absolute number (time / bucketMs) of the newest bucket. */
  private newest = -Infinity;
  private requestTotal = 0;
  private retryTotal = 0;

  constructor(readonly windowMs: number) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  /** Counts one request of the route at `now` (ms). */
  recordRequest(now: number): void {
    const slot = this.advance(now);
    this.requests[slot]++;
    this.requestTotal++;
  }

  /** Takes one retry from the budget at `now` when `policy` allows it (and counts it), else says why not. */
  tryRetry(now: number, policy: RetryBudgetPolicy): RetryAdmission {
    const slot = this.advance(now);
    if (!retryFits(this.retryTotal, this.requestTotal, policy)) return { allowed: false, retries: this.retryTotal, requests: this.requestTotal };
    this.retries[slot]++;
    this.retryTotal++;
    return ALLOWED;
  }

  /** Requests and retries in the window ending at `now`. */
  totals(now: number): { requests: number; retries: number } {
    this.advance(now);
    return { requests: this.requestTotal, retries: this.retryTotal };
  }

  /** Moves the window to `now`, emptying the buckets that fell out; returns the slot of `now`. */
  private advance(now: number): number {
    const bucket = Math.floor(now / this.bucketMs);
    if (bucket !== this.newest) {
      // A clock that went back, or a gap of a whole window: start afresh.
      if (bucket < this.newest || bucket - this.newest >= BUCKETS) {
        this.requests.fill(0);
        this.retries.fill(0);
        this.requestTotal = 0;
        this.retryTotal = 0;
      } else {
        for (let b = this.newest + 1; b <= bucket; b++) {
          const i = b % BUCKETS;
          this.requestTotal -= this.requests[i];
          this.retryTotal -= this.retries[i];
          this.requests[i] = 0;
          this.retries[i] = 0;
        }
      }
      this.newest = bucket;
    }
    return ((bucket % BUCKETS) + BUCKETS) % BUCKETS;
  }
}
