/**
 * A per-route retry budget, as Envoy and gRPC have: retries may add at most `ratio` × requests
 * (plus a small floor) of load on a dependency over a rolling window, so a dependency that is down
 * is not hit by every request several times over, while a flaky one still gets its retries.
 */
export interface RetryBudgetPolicy {
  /** Retries allowed per request seen in the window, e.g. 0.5. `Infinity` turns the budget off. */
  ratio: number;
  /** Retries always allowed per window, whatever the traffic (a quiet route can still retry). */
  minRetries: number;
  /** Length of the rolling window, ms. */
  windowMs: number;
}

/** Whether one more retry fits: retries so far < floor + ratio × requests, over the window. Pure. */
export function retryFits(retries: number, requests: number, policy: RetryBudgetPolicy): boolean {
  return retries < policy.minRetries + policy.ratio * requests;
}

/** Why a retry was refused, for the recorded step. */
export function retryBudgetExhausted(retries: number, requests: number, windowMs: number): string {
  return `retry budget exhausted (${retries} retries for ${requests} requests in ${Math.round(windowMs / 1000)} s)`;
}
