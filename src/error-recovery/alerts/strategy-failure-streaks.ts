import type { RecoveryActionRecord } from '../persistence/error-log.record.js';

/** A strategy that has now failed `count` times in a row. */
export interface FailureStreak {
  strategy: string;
  count: number;
  lastMessage: string;
}

/**
 * Escalation (d): per strategy, failures of automatic recovery in a row. A success resets the
 * streak; a skip neither counts nor resets (the strategy did nothing). Per process.
 */
export class StrategyFailureStreaks {
  private readonly streaks = new Map<string, number>();

  constructor(private readonly threshold: number) {}

  /** Feeds the actions of one recovery run; returns the strategies at or past the threshold. */
  record(actions: readonly Pick<RecoveryActionRecord, 'strategy' | 'success' | 'skipped' | 'message'>[]): FailureStreak[] {
    const outcome = new Map<string, { failed: boolean; message: string }>();
    // One run counts once per strategy (retry records one action per attempt); any success wins.
    for (const a of actions) {
      if (a.skipped) continue;
      const seen = outcome.get(a.strategy);
      if (seen && !seen.failed) continue;
      outcome.set(a.strategy, { failed: !a.success, message: a.message });
    }
    const reached: FailureStreak[] = [];
    for (const [strategy, { failed, message }] of outcome) {
      if (!failed) {
        this.streaks.delete(strategy);
        continue;
      }
      const count = (this.streaks.get(strategy) ?? 0) + 1;
      this.streaks.set(strategy, count);
      if (count >= this.threshold) reached.push({ strategy, count, lastMessage: message });
    }
    return reached;
  }
}
