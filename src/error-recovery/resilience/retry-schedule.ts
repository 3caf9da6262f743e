import { backoffDelay, type BackoffOptions } from './backoff.js';

/** How many attempts a retry policy makes, how long it waits between them, and for how long in all. */
export interface RetrySchedule {
  /** Attempts in all, the first included (1: no retry). */
  maxAttempts: number;
  /** The delay before retry N when the error states no Retry-After. */
  backoff: BackoffOptions;
  /** Time from the first attempt after which no retry starts, ms; 0: no deadline. */
  deadlineMs: number;
}

/** Why a policy stopped retrying and let the last error through. */
export type RetryGiveUpReason = 'not_retryable' | 'attempts_exhausted' | 'deadline' | 'aborted';

/** What to do after a failed attempt: retry after `delayMs`, or give up. */
export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'give_up'; reason: RetryGiveUpReason };

/** The facts about a failed attempt that {@link nextRetry} decides on. */
export interface FailedAttempt {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** Whether the error is worth another attempt (the policy's predicate said so). */
  retryable: boolean;
  /** Time since the first attempt started, ms. */
  elapsedMs: number;
  /** The wait the error asked for (Retry-After), ms; undefined when it stated none or it is ignored. */
  retryAfterMs?: number;
}

/**
 * After a failed attempt: give up when the error is not retryable or the attempts are used up;
 * otherwise wait the error's Retry-After when it states one (as stated: never shortened), else the
 * backoff delay of that retry. A wait that would end at or past the deadline is a give-up now:
 * sleeping only to fail at the deadline helps nobody. Pure; `random` pins the jitter in tests.
 */
export function nextRetry(failed: FailedAttempt, schedule: RetrySchedule, random: () => number = Math.random): RetryDecision {
  if (!failed.retryable) return { kind: 'give_up', reason: 'not_retryable' };
  if (failed.attempt >= schedule.maxAttempts) return { kind: 'give_up', reason: 'attempts_exhausted' };
  const delayMs = failed.retryAfterMs ?? backoffDelay(failed.attempt, schedule.backoff, random);
  if (schedule.deadlineMs > 0 && failed.elapsedMs + delayMs >= schedule.deadlineMs) return { kind: 'give_up', reason: 'deadline' };
  return { kind: 'retry', delayMs };
}
