import type { RecoveryContext, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';

/** Shorthands for building honest steps. */
export const steps = {
  skipped(ctx: RecoveryContext, message: string): StrategyStep {
    return { success: false, skipped: true, message, startedAt: ctx.clock.now(), durationMs: 0 };
  },
  done(ctx: RecoveryContext, startedAt: number, success: boolean, message: string, details?: StrategyStep['details']): StrategyStep {
    return { success, skipped: false, message, details, startedAt, durationMs: ctx.clock.now() - startedAt };
  },
  /** An outcome of one skipped step. */
  skip(ctx: RecoveryContext, message: string): StrategyOutcome {
    return { resolved: false, steps: [steps.skipped(ctx, message)] };
  },
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Runs the handler once more after an effect, when that is possible and safe, as its own step:
 * resolved only when the replay succeeded.
 */
export async function replayOnce(ctx: RecoveryContext, effect: StrategyStep, timeoutMs?: number): Promise<StrategyOutcome> {
  if (!ctx.replay) return { resolved: false, steps: [effect, steps.skipped(ctx, `replay: ${ctx.noReplayReason ?? 'original request not available'}`)] };
  if (!ctx.replaySafe) return { resolved: false, steps: [effect, steps.skipped(ctx, 'replay: not replay-safe')] };
  const budget = ctx.budget.remaining();
  if (budget <= 0) return { resolved: false, steps: [effect, steps.skipped(ctx, 'replay: recovery budget exhausted')] };
  const startedAt = ctx.clock.now();
  try {
    const result = await ctx.replay({ timeoutMs: Math.min(timeoutMs ?? budget, budget) });
    return { resolved: true, result, steps: [effect, steps.done(ctx, startedAt, true, 'replay succeeded')] };
  } catch (error) {
    return { resolved: false, steps: [effect, steps.done(ctx, startedAt, false, `replay failed: ${describe(error)}`)] };
  }
}
