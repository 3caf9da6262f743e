import type { RecoveryContext, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';

/** Shorthands for building honest steps. */
export const steps = {
  skipped(ctx: RecoveryContext, message: string, details?: StrategyStep['details'], startedAt = ctx.clock.now()): StrategyStep {
    return { success: false, skipped: true, message, details, startedAt, durationMs: ctx.clock.now() - startedAt };
  },
  done(ctx: RecoveryContext, startedAt: number, success: boolean, message: string, details?: StrategyStep['details']): StrategyStep {
    return { success, skipped: false, message, details, startedAt, durationMs: ctx.clock.now() - startedAt };
  },
  /** An outcome of one skipped step. */
  skip(ctx: RecoveryContext, message: string, details?: StrategyStep['details'], startedAt?: number): StrategyOutcome {
    return { resolved: false, steps: [steps.skipped(ctx, message, details, startedAt)] };
  },
};
