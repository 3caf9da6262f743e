import { Injectable } from '@nestjs/common';
import type { Classification } from '../classify/classification.interface.js';
import { messageOf } from '../common/error-text.js';
import { retryWait } from '../resilience/backoff.js';
import { retryBudgetExhausted } from '../resilience/retry-budget.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

/**
 * Runs the original request handler again, after short delays (exponential with full jitter by
 * default) sized so the attempts still to come fit the recovery budget, honouring Retry-After (a
 * skip when it does not fit), and within the route's retry budget (retries ≤ ratio × requests +
 * floor over a rolling window). One recorded step per attempt. Applies only to transient errors of
 * replay-safe requests whose handler is in hand.
 */
@Injectable()
@RegisterStrategy()
export class RetryStrategy implements RecoveryStrategy {
  readonly name = 'retry';
  /** Source of the jitter, in [0, 1). Replaceable in tests. */
  random: () => number = Math.random;

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const skip = this.reasonToSkip(ctx);
    if (skip) return { resolved: false, steps: [steps.skipped(ctx, skip)] };

    const r = ctx.retry;
    const backoff = { kind: r.backoff, baseMs: r.delayMs, maxMs: r.maxDelayMs, jitter: r.jitter };
    const policy = { ratio: r.budgetRatio, minRetries: r.budgetMinRetries, windowMs: r.budgetWindowMs };
    const taken: StrategyStep[] = [];
    let last: Classification = ctx.classification;
    let attemptMs = 0;
    for (let attempt = 1; attempt <= r.maxRetries; attempt++) {
      const wait = retryWait(
        { attempt, maxRetries: r.maxRetries, remainingMs: ctx.budget.remaining(), attemptMs, retryAfterMs: (last.retryAfterSeconds ?? 0) * 1000, backoff },
        this.random,
      );
      if (wait.kind === 'skip') {
        taken.push(steps.skipped(ctx, wait.reason));
        break;
      }
      const window = ctx.route?.retryBudget;
      const admitted = window ? window.tryRetry(ctx.clock.now(), policy) : undefined;
      if (admitted && !admitted.allowed) {
        taken.push(steps.skipped(ctx, retryBudgetExhausted(admitted.retries, admitted.requests, window!.windowMs), { attempt }));
        break;
      }
      const delay = wait.delayMs;
      const startedAt = ctx.clock.now();
      try {
        await ctx.clock.sleep(delay, ctx.budget.signal);
        const runStartedAt = ctx.clock.now();
        try {
          const result = await ctx.replay!();
          taken.push({ success: true, skipped: false, message: `attempt ${attempt} of ${r.maxRetries} succeeded after ${delay} ms`, details: { attempt, delayMs: delay }, startedAt, durationMs: ctx.clock.now() - startedAt });
          return { resolved: true, result, steps: taken };
        } finally {
          attemptMs = Math.max(attemptMs, ctx.clock.now() - runStartedAt);
        }
      } catch (error) {
        const stopped = ctx.budget.signal.aborted;
        taken.push({ success: false, skipped: false, message: stopped ? `attempt ${attempt} stopped: recovery budget exhausted` : `attempt ${attempt} of ${r.maxRetries} failed: ${messageOf(error, 300)}`, details: { attempt, delayMs: delay }, startedAt, durationMs: ctx.clock.now() - startedAt });
        if (stopped) break;
        last = ctx.classify(error);
        if (!last.transient) break;
      }
    }
    return { resolved: false, steps: taken };
  }

  private reasonToSkip(ctx: RecoveryContext): string | undefined {
    if (!ctx.classification.transient) return 'permanent error: running it again cannot help';
    if (!ctx.replay) return ctx.noReplayReason ?? 'original request not available';
    if (!ctx.replaySafe) return 'not replay-safe';
    if (ctx.retry.maxRetries < 1) return 'retries disabled (maxRetries 0)';
    return undefined;
  }
}
