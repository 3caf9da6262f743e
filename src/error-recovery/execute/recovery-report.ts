import type { StrategyStep } from '../strategies/recovery-strategy.interface.js';

/** One recorded action: a strategy's step, in plan order. */
export interface ExecutedAction extends StrategyStep {
  strategy: string;
}

/** What recovery of one error did. */
export interface RecoveryReport {
  /** True when a plan was run (even if every step was skipped). */
  attempted: boolean;
  /** True when the request was served by a strategy. */
  success: boolean;
  /** Name of the strategy that served the request. */
  resolvedBy: string | null;
  /** The response value produced by the resolving strategy. */
  result?: unknown;
  /** Headers the resolving strategy asked for. */
  headers?: Record<string, string>;
  /** Client-safe summary. */
  message: string;
  actions: ExecutedAction[];
  /**
   * Present when a strategy overran the budget: settles (never rejects, within a minute) with the
   * steps it really took once it finished. They happened after the request was answered and are
   * appended to the same error's actions, after `actions`.
   */
  late?: Promise<ExecutedAction[]>;
}

/** `pool_increase` → `Pool Increase`. */
export const strategyTitle = (name: string): string =>
  name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** The report when recovery did not run at all. */
export const NOT_ATTEMPTED: RecoveryReport = {
  attempted: false,
  success: false,
  resolvedBy: null,
  message: 'Recovery was not attempted',
  actions: [],
};

/** The client-safe part of a report: outcome per strategy, never the step messages. */
export interface RecoverySummary {
  attempted: boolean;
  success: boolean;
  message: string;
  actions: { strategy: string; success: boolean; skipped: boolean }[];
}

export const recoverySummary = (report: RecoveryReport): RecoverySummary => ({
  attempted: report.attempted,
  success: report.success,
  message: report.message,
  actions: report.actions.map((a) => ({ strategy: a.strategy, success: a.success, skipped: a.skipped })),
});
