import type { ModuleLogger } from '../common/log-line.js';
import type { RecoveryEvents } from '../events/recovery-events.js';
import type { Clock } from '../resilience/clock.js';
import { DropNotices } from './drop-notices.js';

/** Why a captured error was not stored. Each is counted; none happens silently. */
export type DropReason = 'queue_full' | 'journal_full' | 'rejected_by_database' | 'shutdown_timeout' | 'after_close';

/** At most one `errors.dropped` event per reason in this time, ms. */
const DROP_NOTICE_INTERVAL_MS = 60_000;

/**
 * Counts dropped errors by reason, logs the first and every thousandth, and emits
 * `errors.dropped` (which the alerts route) at most once a minute per reason.
 */
export class DropCounter {
  readonly counts: Record<DropReason, number> = { queue_full: 0, journal_full: 0, rejected_by_database: 0, shutdown_timeout: 0, after_close: 0 };
  private readonly notices: DropNotices<DropReason>;

  constructor(
    private readonly logger: ModuleLogger,
    clock: Clock,
    events: RecoveryEvents | undefined,
  ) {
    this.notices = new DropNotices(DROP_NOTICE_INTERVAL_MS, clock, (reason, count) => events?.emit('errors.dropped', { reason, count }));
  }

  /** Counts `count` drops; returns false, what `enqueue` answers for a dropped error. */
  drop(reason: DropReason, message: string, count = 1): false {
    this.counts[reason] += count;
    const total = this.counts[reason];
    if (total === count || Math.floor(total / 1000) > Math.floor((total - count) / 1000)) this.logger.error(`${message}; ${total} dropped so far (${reason})`);
    this.notices.dropped(reason, count);
    return false;
  }
}
