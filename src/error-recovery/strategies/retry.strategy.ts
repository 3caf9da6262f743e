import { Injectable } from '@nestjs/common';
import type { Classification } from '../classify/classification.interface.js';
import { backoffDelay } from '../resilience/backoff.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Runs the original request handler again, with backoff (exponential with full jitter by default),
 * honouring Retry-After and never past the recovery budget. One recorded step per attempt.
 * Applies only to transient errors of replay-safe requests whose handler is in hand.
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

    const taken: StrategyStep[] = [];
    let last: Classification = ctx.classification;
    for (let attempt = 1; attempt <= ctx.retry.maxRetries; attempt++) {
      const backoff = backoffDelay(attempt, { kind: ctx.retry.backoff, baseMs: ctx.retry.delayMs, maxMs: ctx.retry.maxDelayMs, jitter: ctx.retry.jitter }, this.random);
      const delay = Math.max(backoff, (last.retryAfterSeconds ?? 0) * 1000);
      if (delay >= ctx.budget.remaining()) {
        taken.push(steps.skipped(ctx, `recovery budget exhausted before attempt ${attempt} (needs ${delay} ms)`));
        break;
      }
      const startedAt = ctx.clock.now();
      try {
        await ctx.clock.sleep(delay, ctx.budget.signal);
        const result = await ctx.replay!();
        taken.push({ success: true, skipped: false, message: `attempt ${attempt} of ${ctx.retry.maxRetries} succeeded after ${delay} ms`, details: { attempt, delayMs: delay }, startedAt, durationMs: ctx.clock.now() - startedAt });
        return { resolved: true, result, steps: taken };
      } catch (error) {
        const stopped = ctx.budget.signal.aborted;
        taken.push({ success: false, skipped: false, message: stopped ? `attempt ${attempt} stopped: recovery budget exhausted` : `attempt ${attempt} of ${ctx.retry.maxRetries} failed: ${message(error)}`, details: { attempt, delayMs: delay }, startedAt, durationMs: ctx.clock.now() - startedAt });
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
