import type { BackoffKind } from '../../resilience/backoff.js';
import type { Clock } from '../../resilience/clock.js';

/** The retry presets that ship with the module (values in `RETRY_PRESETS` and the README). */
export type RetryPresetName = 'ai_model' | 'database' | 'network' | 'external_api';

/** Which errors are worth another attempt: `error` is what attempt `attempt` (1-based) threw. */
export type RetryPredicate = (error: unknown, attempt: number) => boolean;

/**
 * A retry policy. Every field is optional: unset fields come from `preset`, or without one from
 * the standalone defaults (3 attempts, 100 ms doubling up to 10 s with full jitter, 30 s deadline).
 */
export interface RetryPolicyOptions {
  /** The name the policy's statistics and events carry. Default: the preset's name, else `custom`. */
  name?: string;
  /** The preset to start from; the fields given here override its values. */
  preset?: RetryPresetName;
  /** Attempts in all, the first included (1: no retry). */
  maxAttempts?: number;
  /** Delay before the first retry, ms. */
  baseDelayMs?: number;
  /** Ceiling of one backoff delay, ms (a Retry-After is not capped by it, only by the deadline). */
  maxDelayMs?: number;
  /** How the delay grows: `exponential` (base·2^(n-1)), `linear` (base·n) or `constant`. */
  backoff?: BackoffKind;
  /** Full jitter: each delay is a uniform pick in [0, delay], so many clients do not retry in step. */
  jitter?: boolean;
  /**
   * Overall deadline from the first attempt, ms: no retry starts, and no wait is begun, that would
   * end past it (the last error is rethrown instead). 0: no deadline.
   */
  deadlineMs?: number;
  /**
   * Which errors are retried. Default: those the classifier calls transient (timeouts, resets,
   * 408/429/502/503/504, lost database connections, SQLSTATE 40001/40P01). Replaces the default.
   */
  retryOn?: RetryPredicate;
  /** Wait what an error's Retry-After (`retryAfter`, `retry-after` header) asks instead of the backoff. */
  honorRetryAfter?: boolean;
  /** Time source for waits and the deadline. Default: the module's clock, standalone the system clock. */
  clock?: Clock;
  /** Source of the jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** A policy's settings with every default applied. */
export interface ResolvedRetryPolicyOptions {
  name: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  backoff: BackoffKind;
  jitter: boolean;
  deadlineMs: number;
  /** Undefined: the default (transient errors, plus the preset's own rule). */
  retryOn?: RetryPredicate;
  honorRetryAfter: boolean;
}

/** Options of one `execute()` call. */
export interface RetryExecuteOptions {
  /** Aborting stops a wait at once and rejects with the signal's reason; no attempt starts after it. */
  signal?: AbortSignal;
  /** Replaces the policy's predicate for this call (the transaction helper retries 40001/40P01 only). */
  retryOn?: RetryPredicate;
}

/** What an attempt is told about itself. */
export interface RetryAttemptContext {
  /** This attempt, 1-based. */
  attempt: number;
  /** The caller's signal, to pass on to the work (a fetch, a query) so abort reaches it too. */
  signal?: AbortSignal;
}
