import { messageOf } from '../common/error-text.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import type { Clock } from '../resilience/clock.js';
import { settlesWithin } from '../resilience/settles-within.js';
import type { DropCounter, DropReason } from './drop-counter.js';
import type { ErrorLogStore, RecoveryOutcomeUpdate } from './error-log-store.interface.js';
import type { RecoveryActionRecord, RecoveryTrigger } from './error-log.record.js';
import { toActionRecords } from './recovery-action.records.js';
import { isRowError } from './row-error.js';

/**
 * Actions that settle after their error was queued (a strategy that overran the recovery budget),
 * one group per error, written after the queued errors (so their row exists), each exactly once
 * (their ids are fixed when they settle), and waited for at shutdown. They stay in memory: the
 * journal keeps errors, not these.
 */
export class LateActions {
  private readonly groups: { records: RecoveryActionRecord[]; outcome: Omit<RecoveryOutcomeUpdate, 'at'> }[] = [];
  /** Late actions not settled yet; shutdown waits for them. */
  private readonly settling = new Set<Promise<void>>();

  constructor(
    private readonly store: ErrorLogStore,
    private readonly clock: Clock,
    private readonly drops: DropCounter,
  ) {}

  /** Groups waiting to be written. */
  get waiting(): number {
    return this.groups.length;
  }

  /**
   * Queues the actions `late` settles with when it settles, unless `refusal()` then names a reason
   * to drop them; `queued` is told so the writer schedules a write.
   */
  track(
    errorId: string,
    late: Promise<readonly ExecutedAction[]>,
    trigger: RecoveryTrigger,
    firstPosition: number,
    outcome: Omit<RecoveryOutcomeUpdate, 'at'>,
    refusal: () => DropReason | undefined,
    queued: () => void,
  ): void {
    const tracked: Promise<void> = late
      .then(
        (actions) => {
          // Given up on at shutdown (and counted there): nothing more to do.
          if (actions.length === 0 || !this.settling.has(tracked)) return;
          const why = refusal();
          if (why) {
            this.drops.drop(why, `late recovery actions of error ${errorId} not stored (${why})`);
            return;
          }
          this.groups.push({ records: toActionRecords(errorId, actions, trigger, firstPosition), outcome });
          queued();
        },
        () => undefined,
      )
      .finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
  }

  /** Waits up to `ms` for the actions still running; those that do not settle are counted as dropped. */
  async settle(ms: number): Promise<void> {
    if (this.settling.size === 0 || (await settlesWithin(Promise.all(this.settling), ms))) return;
    this.drops.drop('shutdown_timeout', `shutdown: late recovery actions of ${this.settling.size} errors had not settled; not stored`, this.settling.size);
    this.settling.clear();
  }

  /** Writes the queued groups in order; throws when the store fails (the rest is retried later). */
  async write(written: () => void): Promise<void> {
    while (this.groups.length > 0) {
      const { records, outcome } = this.groups[0];
      const errorId = records[0].errorLogId;
      try {
        // For late steps a no-op on the row's recovery columns (recovery was attempted; they serve no request).
        await this.store.appendRecovery(errorId, { ...outcome, at: new Date(this.clock.now()) }, records);
        this.groups.shift();
        written();
      } catch (error) {
        if (!isRowError(error)) throw error;
        // E.g. the error row itself was rejected or dropped: these actions have nothing to belong to.
        this.groups.shift();
        this.drops.drop('rejected_by_database', `late recovery actions of error ${errorId} rejected by the database: ${messageOf(error, 300)}`);
      }
    }
  }

  /** Forgets the queued groups (shutdown, store unreachable); returns how many. */
  discard(): number {
    return this.groups.splice(0).length;
  }
}
