import { Inject, Injectable, Logger } from '@nestjs/common';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { StrategyName } from '../plan/strategy-name.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import type { RecoveryContext, ReplayOverrides, StrategyOutcome } from '../strategies/recovery-strategy.interface.js';
import { RecoveryBudget } from './recovery-budget.js';
import { strategyTitle, type ExecutedAction, type RecoveryReport } from './recovery-report.js';

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Runs a plan in order until a strategy serves the request, within `recoveryTimeoutMs`.
 * Each step is reported as it really went; a strategy that throws or overruns the budget is
 * recorded as failed and the next one runs. `run` never throws.
 */
@Injectable()
export class RecoveryExecutor {
  private readonly logger = new Logger('ErrorRecovery');

  constructor(
    private readonly registry: StrategyRegistry,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  async run(plan: readonly StrategyName[], context: Omit<RecoveryContext, 'budget'>): Promise<RecoveryReport> {
    const clock = context.clock;
    const budget = new RecoveryBudget(clock, this.options.recoveryTimeoutMs);
    const actions: ExecutedAction[] = [];
    try {
      for (const name of plan) {
        const startedAt = clock.now();
        const strategy = this.registry.get(name);
        if (!strategy) {
          actions.push({ strategy: name, success: false, skipped: true, message: 'not available', startedAt, durationMs: 0 });
          continue;
        }
        if (budget.remaining() <= 0) {
          actions.push({ strategy: name, success: false, skipped: true, message: 'recovery budget exhausted', startedAt, durationMs: 0 });
          continue;
        }
        const outcome = await this.execute(name, strategy.execute.bind(strategy), { ...context, replay: withinBudget(context.replay, budget), budget }, startedAt);
        actions.push(...outcome.steps.map((step) => ({ ...step, strategy: name })));
        if (outcome.resolved) {
          return { attempted: true, success: true, resolvedBy: name, result: outcome.result, headers: outcome.headers, message: `Recovery successful: ${strategyTitle(name)}`, actions };
        }
      }
    } catch (error) {
      // Only reachable through a bug in this loop; the request must still get its answer.
      this.logger.error(`recovery executor fault: ${reason(error)}`);
    } finally {
      budget.dispose();
    }
    const tried = actions.some((a) => !a.skipped);
    return {
      attempted: plan.length > 0,
      success: false,
      resolvedBy: null,
      message: tried ? 'Recovery failed: no strategy resolved the error' : 'No recovery strategy could be applied',
      actions,
    };
  }

  private async execute(
    name: string,
    execute: (ctx: RecoveryContext) => Promise<StrategyOutcome>,
    ctx: RecoveryContext,
    startedAt: number,
  ): Promise<StrategyOutcome> {
    let onAbort: (() => void) | undefined;
    const overrun = new Promise<StrategyOutcome>((resolve) => {
      onAbort = () =>
        resolve({ resolved: false, steps: [{ success: false, skipped: false, message: 'stopped: recovery budget exhausted', startedAt, durationMs: ctx.clock.now() - startedAt }] });
      ctx.budget.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([execute(ctx), overrun]);
      return outcome.steps.length > 0
        ? outcome
        : { ...outcome, steps: [{ success: outcome.resolved, skipped: false, message: `${name} reported no steps`, startedAt, durationMs: ctx.clock.now() - startedAt }] };
    } catch (error) {
      return { resolved: false, steps: [{ success: false, skipped: false, message: `strategy threw: ${reason(error)}`, startedAt, durationMs: ctx.clock.now() - startedAt }] };
    } finally {
      if (onAbort) ctx.budget.signal.removeEventListener('abort', onAbort);
    }
  }
}

/** A replay that never outlives the budget: its run is limited to the time left (`maxMs`). */
function withinBudget(replay: RecoveryContext['replay'], budget: RecoveryBudget): RecoveryContext['replay'] {
  if (!replay) return undefined;
  return (overrides?: ReplayOverrides) => {
    const left = budget.remaining();
    if (left <= 0) return Promise.reject(new Error('recovery budget exhausted'));
    return replay({ ...overrides, maxMs: Math.min(overrides?.maxMs ?? left, left) });
  };
}
