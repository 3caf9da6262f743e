import type { RetryGiveUpReason } from '../../resilience/retry-schedule.js';

/** A policy's counters since the process started (`GET /api/errors/retry-policies`). */
export interface RetryPolicyStats {
  name: string;
  /** `execute()` calls (and decorated method calls). */
  executions: number;
  /** Attempts in all, first attempts included. */
  attempts: number;
  /** Attempts after the first. */
  retries: number;
  /** Executions that returned a value. */
  successes: number;
  /** Executions that ended with an error, by reason in `giveUpReasons`. */
  giveUps: number;
  giveUpReasons: Record<RetryGiveUpReason, number>;
  /** `retries / successes`: what a success costs in extra calls; null before the first success. */
  retriesPerSuccess: number | null;
}

/** The counters of one policy. In memory: plain increments, nothing on the success path but two. */
export class RetryCounters {
  executions = 0;
  attempts = 0;
  retries = 0;
  successes = 0;
  private giveUps = 0;
  private readonly reasons: Record<RetryGiveUpReason, number> = { not_retryable: 0, attempts_exhausted: 0, deadline: 0, aborted: 0 };

  gaveUp(reason: RetryGiveUpReason): void {
    this.giveUps++;
    this.reasons[reason]++;
  }

  /** A copy of the counters under the policy's name. */
  snapshot(name: string): RetryPolicyStats {
    const { executions, attempts, retries, successes, giveUps } = this;
    return {
      name,
      executions,
      attempts,
      retries,
      successes,
      giveUps,
      giveUpReasons: { ...this.reasons },
      retriesPerSuccess: successes === 0 ? null : Math.round((retries / successes) * 1000) / 1000,
    };
  }
}
