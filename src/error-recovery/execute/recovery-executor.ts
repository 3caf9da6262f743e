import { Inject, Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { StrategyName } from '../plan/strategy-name.js';
import type { Clock } from '../resilience/clock.js';
import { StrategyRegistry } from '../strategies/strategy-registry.js';
import type { RecoveryContext, RecoveryStrategy, ReplayOverrides, StrategyOutcome, StrategyStep } from '../strategies/recovery-strategy.interface.js';
import { RecoveryBudget } from '../resilience/recovery-budget.js';
import { strategyTitle, type ExecutedAction, type RecoveryReport } from './recovery-report.js';

const reason = (error: unknown): string => messageOf(error, 300);

const NOTHING_APPLIED = 'No recovery strategy could be applied';

/** The report of an empty plan; shared, so frozen. */
const EMPTY_PLAN: RecoveryReport = Object.freeze({
  attempted: false,
  success: false,
  resolvedBy: null,
  message: NOTHING_APPLIED,
  actions: Object.freeze([]) as unknown as ExecutedAction[],
});

/** A strategy's own word that it would only skip; a check that throws says nothing (the step runs). */
function skipReasonOf(strategy: RecoveryStrategy, context: Omit<RecoveryContext, 'budget'>): string | undefined {
  try {
    return strategy.skipReason?.(context);
  } catch {
    return undefined;
  }
}

/**
 * How long after the budget ran out the outcome of an overrunning strategy is still awaited for the
 * record, ms. Past it the step is recorded as "outcome unknown" rather than waited for forever.
 */
export const LATE_OUTCOME_WAIT_MS = 60_000;

/** A step's result: what the request sees now, and what an overrunning strategy did later. */
interface StepResult {
  outcome: StrategyOutcome;
  /** Settles (within {@link LATE_OUTCOME_WAIT_MS}) with the steps of a strategy that overran the budget. */
  late?: Promise<StrategyStep[]>;
}

/**
 * Runs a plan in order until a strategy serves the request, within `recoveryTimeoutMs`.
 * Each step is reported as it really went; a strategy that throws or overruns the budget is
 * recorded as failed and the next one runs. `run` never throws.
 *
 * A strategy that overruns the budget is not abandoned: its effect (a pool grown, a breaker opened)
 * may still happen or may have happened already. Effects it noted through `ctx.noteEffect` before the
 * budget ran out are in the report at once; the request does not wait for the rest: the report's
 * `late` settles with its real steps once it finishes, and the caller appends them to the same error.
 */
@Injectable()
export class RecoveryExecutor {
  private readonly logger = new ModuleLogger();

  constructor(
    private readonly registry: StrategyRegistry,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  /**
   * The report of `plan` when none of its steps can act — an empty plan, strategies that do not
   * exist here, strategies whose `skipReason` says they would only skip — made without running
   * anything: no budget, no timer, no promise. Undefined when a step may act: then {@link run} it.
   * Gives exactly the report `run` would give.
   */
  withoutRunning(plan: readonly StrategyName[], context: Omit<RecoveryContext, 'budget'>): RecoveryReport | undefined {
    if (plan.length === 0) return EMPTY_PLAN;
    const actions: ExecutedAction[] = [];
    for (const name of plan) {
      const strategy = this.registry.get(name);
      const why = strategy ? skipReasonOf(strategy, context) : 'not available';
      if (why === undefined) return undefined;
      const startedAt = context.clock.now();
      actions.push({ strategy: name, success: false, skipped: true, message: why, details: undefined, startedAt, durationMs: 0 });
    }
    return { attempted: true, success: false, resolvedBy: null, message: NOTHING_APPLIED, actions };
  }

  async run(plan: readonly StrategyName[], context: Omit<RecoveryContext, 'budget'>): Promise<RecoveryReport> {
    const clock = context.clock;
    const budget = new RecoveryBudget(clock, this.options.recoveryTimeoutMs);
    const actions: ExecutedAction[] = [];
    const late: Promise<ExecutedAction[]>[] = [];
    const withLate = (report: RecoveryReport): RecoveryReport =>
      late.length === 0 ? report : { ...report, late: Promise.all(late).then((groups) => groups.flat()) };
    try {
      for (const [index, name] of plan.entries()) {
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
        const { outcome, late: lateSteps } = await this.execute(name, strategy.execute.bind(strategy), { ...context, replay: withinBudget(context.replay, budget), budget, laterSteps: plan.slice(index + 1) }, startedAt);
        actions.push(...outcome.steps.map((step) => ({ ...step, strategy: name })));
        if (lateSteps) late.push(lateSteps.then((steps) => steps.map((step) => ({ ...step, strategy: name }))));
        if (outcome.resolved) {
          return withLate({ attempted: true, success: true, resolvedBy: name, result: outcome.result, headers: outcome.headers, message: `Recovery successful: ${strategyTitle(name)}`, actions });
        }
      }
    } catch (error) {
      // Only reachable through a bug in this loop; the request must still get its answer.
      this.logger.error(`recovery executor fault: ${messageOf(error, 300)}`);
    } finally {
      budget.dispose();
    }
    const tried = actions.some((a) => !a.skipped);
    return withLate({
      attempted: plan.length > 0,
      success: false,
      resolvedBy: null,
      message: tried ? 'Recovery failed: no strategy resolved the error' : NOTHING_APPLIED,
      actions,
    });
  }

  private async execute(
    name: string,
    execute: (ctx: RecoveryContext) => Promise<StrategyOutcome>,
    ctx: RecoveryContext,
    startedAt: number,
  ): Promise<StepResult> {
    const fail = (message: string): StrategyStep => ({ success: false, skipped: false, message, startedAt, durationMs: ctx.clock.now() - startedAt });
    // Effects the strategy noted as they happened: recorded whatever the strategy does next.
    const noted: StrategyStep[] = [];
    const notedLate: StrategyStep[] = [];
    let overran = false;
    const noteEffect = (step: StrategyStep): void => void (overran ? notedLate : noted).push(step);
    try {
      const work = execute({ ...ctx, noteEffect });
      const first = await Promise.race([work, ctx.budget.overrun]);
      if (first === 'overrun') {
        overran = true;
        return {
          outcome: { resolved: false, steps: [...noted, fail('stopped: recovery budget exhausted')] },
          late: lateSteps(work, notedLate, ctx.clock, startedAt),
        };
      }
      const steps = [...noted, ...first.steps];
      return {
        outcome: steps.length > 0 ? { ...first, steps } : { ...first, steps: [{ ...fail(`${name} reported no steps`), success: first.resolved }] },
      };
    } catch (error) {
      return { outcome: { resolved: false, steps: [...noted, fail(`strategy threw: ${reason(error)}`)] } };
    }
  }
}

/** A step taken after the budget ran out: it no longer served the request. */
const markLate = (s: StrategyStep): StrategyStep => ({ ...s, message: `after the recovery budget: ${s.message}`, details: { ...s.details, late: true } });

/**
 * The steps an overrunning strategy really took, once it settles (at most {@link LATE_OUTCOME_WAIT_MS}
 * after the budget): the effects it noted after the budget, then the steps it returned, each marked
 * `late`. Never rejects.
 */
function lateSteps(work: Promise<StrategyOutcome>, notedLate: readonly StrategyStep[], clock: Clock, startedAt: number): Promise<StrategyStep[]> {
  const step = (success: boolean, message: string): StrategyStep => ({
    success,
    skipped: false,
    message,
    details: { late: true },
    startedAt,
    durationMs: clock.now() - startedAt,
  });
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<StrategyStep[]>((resolve) => {
    timer = setTimeout(
      () => resolve([...notedLate.map(markLate), step(false, `outcome unknown: still running ${LATE_OUTCOME_WAIT_MS} ms after the recovery budget`)]),
      LATE_OUTCOME_WAIT_MS,
    );
    timer.unref();
  });
  const settled = work.then(
    (outcome) =>
      outcome.steps.length > 0 || notedLate.length > 0
        ? [...notedLate, ...outcome.steps].map(markLate)
        : [step(false, 'finished after the recovery budget; reported no steps')],
    (error: unknown) => [...notedLate.map(markLate), step(false, `strategy threw after the recovery budget: ${messageOf(error, 300)}`)],
  );
  return Promise.race([settled, gaveUp]).finally(() => clearTimeout(timer));
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
