import { messageOf } from '../common/error-text.js';
import type { RecoveryContext, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';

/** Why the handler cannot be run again now, if it cannot. */
export function replayBlocker(ctx: RecoveryContext): string | undefined {
  if (!ctx.replay) return ctx.noReplayReason ?? 'original request not available';
  if (!ctx.replaySafe) return 'not replay-safe';
  if (ctx.budget.remaining() <= 0) return 'recovery budget exhausted';
  return undefined;
}

/**
 * After a strategy's effect (`effect`, a successful step): runs the handler once more when that is
 * safe and reports it as a second step; the request is served only if that run succeeded. When it
 * is not safe the effect step stands alone and its message says why the replay was skipped.
 *
 * @param after what the replay follows, for the message (`pool growth`, `restart`).
 * @param timeoutMs timeout of the replay (capped by the budget); default the route's.
 */
export async function thenReplay(ctx: RecoveryContext, effect: StrategyStep, after: string, timeoutMs?: number): Promise<StrategyOutcome> {
  const blocker = replayBlocker(ctx);
  if (blocker) {
    const step = { ...effect, message: `${effect.message}; replay skipped: ${blocker}`, details: { ...effect.details, replay: `skipped: ${blocker}` } };
    return { resolved: false, steps: [step] };
  }
  const startedAt = ctx.clock.now();
  try {
    const overrides = timeoutMs === undefined ? undefined : { timeoutMs: Math.min(timeoutMs, ctx.budget.remaining()) };
    const result = await ctx.replay!(overrides);
    const step: StrategyStep = { success: true, skipped: false, message: `replay after ${after} succeeded`, details: { replay: 'succeeded' }, startedAt, durationMs: ctx.clock.now() - startedAt };
    return { resolved: true, result, steps: [effect, step] };
  } catch (error) {
    let errorType = 'unknown';
    try {
      errorType = ctx.classify(error).errorType;
    } catch {
      // The replay's failure is recorded either way; its type is only a detail.
    }
    const step: StrategyStep = {
      success: false,
      skipped: false,
      message: `replay after ${after} failed: ${messageOf(error, 300)}`,
      details: { replay: 'failed', errorType },
      startedAt,
      durationMs: ctx.clock.now() - startedAt,
    };
    return { resolved: false, steps: [effect, step] };
  }
}
