import { Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { boostPriority } from '../resilience/priority-bulkhead.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { thenReplay } from './then-replay.js';

/**
 * Puts the failed request back into its route's bulkhead queue with a boosted priority and runs it
 * again when a slot frees: under congestion, boosted retries go ahead of new requests of lower
 * priority. Routes without a bulkhead: skipped.
 */
@Injectable()
@RegisterStrategy()
export class QueuePriorityStrategy implements RecoveryStrategy {
  readonly name = 'queue_priority';

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    if (!ctx.slot) return steps.skip(ctx, 'route has no bulkhead (declare one with @AiErrorHandler({ bulkhead }))');
    if (!ctx.replay) return steps.skip(ctx, 'original request not available');
    if (!ctx.replaySafe) return steps.skip(ctx, 'not replay-safe');
    const from = ctx.slot.priority;
    const to = boostPriority(from, ctx.parameters.queue_priority.boostFactor);
    const startedAt = ctx.clock.now();
    try {
      await ctx.slot.requeue(to, ctx.budget.signal);
    } catch (error) {
      return { resolved: false, steps: [steps.done(ctx, startedAt, false, `no slot at priority ${to} within the budget: ${messageOf(error, 300)}`, { from, to })] };
    }
    const waited = ctx.clock.now() - startedAt;
    const effect = steps.done(ctx, startedAt, true, `requeued at priority ${from} → ${to}; slot after ${waited} ms`, {
      from,
      to,
      boostFactor: ctx.parameters.queue_priority.boostFactor,
      waitedMs: waited,
    });
    return thenReplay(ctx, effect, 'requeue');
  }
}
