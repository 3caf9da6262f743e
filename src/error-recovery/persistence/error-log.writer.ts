import {
  Inject,
  Injectable,
  Optional,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_LOG_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { backoffDelay } from '../resilience/backoff.js';
import type { ErrorLogStore, RecoveryOutcomeUpdate } from './error-log-store.interface.js';
import { isRowError } from './row-error.js';
import { messageOf } from '../common/error-text.js';
import { settlesWithin } from '../resilience/settles-within.js';
import type { PendingErrorLog, RecoveryActionRecord, RecoveryTrigger } from './error-log.record.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import { toActionRecords } from './recovery-action.records.js';

/** Why a captured error was not stored. Each is counted; none happens silently. */
export type DropReason = 'queue_full' | 'rejected_by_database' | 'shutdown_timeout' | 'after_close';

/** Counters of the writer, exposed by `GET /api/errors/stats`. */
export interface WriterStats {
  queued: number;
  written: number;
  dropped: Record<DropReason, number>;
  failedFlushes: number;
  connected: boolean;
  lastError: string | null;
}

/**
 * Writes captured errors off the request path: an in-memory queue flushed in multi-row batches
 * every `flushIntervalMs` or `batchSize` rows. A failed flush keeps the rows and retries with
 * backoff; shutdown drains the queue. Inserts are idempotent by id, so a batch re-sent after a
 * failure that had in fact committed is not stored twice.
 *
 * Actions that settle after their error was queued (a strategy that overran the recovery budget)
 * are appended to that error with {@link appendLate}: written after the queued errors, each exactly
 * once (their ids are fixed when they settle), and waited for at shutdown.
 */
@Injectable()
export class ErrorLogWriter implements OnModuleInit {
  private readonly logger = new ModuleLogger();
  private readonly queue: PendingErrorLog[] = [];
  /**
   * Late actions, one group per error, written after {@link queue} (so their error row exists), with
   * the outcome they update the row with (a late step serves no request: not a success).
   */
  private readonly lateQueue: { records: RecoveryActionRecord[]; outcome: Omit<RecoveryOutcomeUpdate, 'at'> }[] = [];
  /** Late actions not settled yet; shutdown waits for them. */
  private readonly settling = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private consecutiveFailures = 0;
  private written = 0;
  private failedFlushes = 0;
  private lastError: string | null = null;
  private readonly dropped: Record<DropReason, number> = {
    queue_full: 0,
    rejected_by_database: 0,
    shutdown_timeout: 0,
    after_close: 0,
  };
  private closed = false;

  constructor(
    @Inject(ERROR_LOG_STORE) private readonly store: ErrorLogStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Optional() private readonly events?: RecoveryEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    // Never fail the app's start-up: if the store is down now, the writer keeps retrying.
    try {
      await this.ready();
    } catch (error) {
      this.logger.error(`initialization_failed: error store unreachable (${messageOf(error, 300)}); will retry`);
      this.events?.emit('initialization.failed', { component: 'error_store', reason: messageOf(error, 300) });
    }
  }

  /** Queues one captured error. Returns false (and counts it) when the queue is full. */
  enqueue(entry: PendingErrorLog): boolean {
    if (this.closed) {
      this.dropped.after_close++;
      this.logger.error(`error ${entry.log.id} captured after the error store was closed; not stored`);
      return false;
    }
    if (this.backlog() >= this.options.writer.maxQueue) {
      this.dropped.queue_full++;
      if (this.dropped.queue_full === 1 || this.dropped.queue_full % 1000 === 0) {
        this.logger.error(`error log queue full (${this.queue.length}); dropped ${this.dropped.queue_full} so far`);
      }
      return false;
    }
    this.queue.push(entry);
    // A full batch is written at once, but not while the store is failing: then only the backoff
    // timer retries (writing at once would cancel it and try the database once per captured error).
    const full = this.queue.length >= this.options.writer.batchSize && this.consecutiveFailures === 0;
    this.schedule(full ? 0 : this.options.writer.flushIntervalMs);
    return true;
  }

  /**
   * Appends the actions `late` settles with to error `errorId`, numbered from `firstPosition`. The
   * caller does not wait: the actions are written whenever they settle (a recovery strategy that
   * overran the budget settles within a bounded time), and shutdown waits for them.
   */
  appendLate(
    errorId: string,
    late: Promise<readonly ExecutedAction[]>,
    trigger: RecoveryTrigger,
    firstPosition: number,
    outcome: Omit<RecoveryOutcomeUpdate, 'at'> = { success: false, strategy: null },
  ): void {
    const tracked: Promise<void> = late
      .then(
        (actions) => {
          // Given up on at shutdown (and counted there): nothing more to do.
          if (actions.length === 0 || !this.settling.has(tracked)) return;
          if (this.closed || this.backlog() >= this.options.writer.maxQueue) {
            const why: DropReason = this.closed ? 'after_close' : 'queue_full';
            this.dropped[why]++;
            this.logger.error(`late recovery actions of error ${errorId} not stored (${why})`);
            return;
          }
          this.lateQueue.push({ records: toActionRecords(errorId, actions, trigger, firstPosition), outcome });
          this.schedule(this.options.writer.flushIntervalMs);
        },
        () => undefined,
      )
      .finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
  }

  /** Connects the store (and runs migrations) once; concurrent callers share the attempt. */
  async ready(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.store.connect().then(
      () => {
        this.connected = true;
        this.connecting = undefined;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    await this.connecting;
  }

  /**
   * Writes everything queued now. Resolves true when the queue is empty, false at the deadline —
   * also when a write hangs on a stalled database (it goes on in the background).
   */
  async flush(timeoutMs = this.options.writer.shutdownTimeoutMs): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.backlog() > 0 && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      this.clearTimer();
      await settlesWithin(this.run(), left);
      // A failing store is retried on the backoff schedule here too, not every 50 ms.
      if (this.backlog() > 0) await settlesWithin(new Promise<void>(() => undefined), Math.min(Math.max(50, this.retryDelay()), Math.max(0, deadline - Date.now())));
    }
    return this.backlog() === 0;
  }

  stats(): WriterStats {
    return {
      queued: this.backlog(),
      written: this.written,
      dropped: { ...this.dropped },
      failedFlushes: this.failedFlushes,
      connected: this.connected,
      lastError: this.lastError,
    };
  }

  /**
   * Last drain, called by the module's shutdown sequence: requests still in flight while the server
   * closed may have queued errors after the first drain. Whatever cannot be written by the deadline
   * is counted, then the store is closed.
   */
  async finalDrain(): Promise<void> {
    if (this.settling.size > 0 && !(await settlesWithin(Promise.all(this.settling), this.options.writer.shutdownTimeoutMs))) {
      this.dropped.shutdown_timeout += this.settling.size;
      this.logger.error(`shutdown: late recovery actions of ${this.settling.size} errors had not settled; not stored`);
      this.settling.clear();
    }
    const drained = await this.flush(this.options.writer.shutdownTimeoutMs);
    if (!drained) {
      this.dropped.shutdown_timeout += this.backlog();
      this.logger.error(`shutdown: ${this.backlog()} captured errors (or late actions) could not be stored (${this.lastError})`);
      this.queue.length = 0;
      this.lateQueue.length = 0;
    }
    this.closed = true;
    this.clearTimer();
    // A connect still in flight would open a pool after the close and keep the process alive.
    if (this.connecting) await settlesWithin(this.connecting, this.options.writer.shutdownTimeoutMs);
    const closing = Promise.resolve()
      .then(() => this.store.close())
      .catch((error: unknown) => this.logger.warn(`closing the error store failed: ${messageOf(error, 300)}`));
    await settlesWithin(closing, this.options.writer.shutdownTimeoutMs);
  }

  private schedule(delayMs: number): void {
    if (this.running) return;
    if (this.timer && delayMs > 0) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delayMs);
    this.timer.unref();
  }

  /** Errors and late action groups waiting to be written. */
  private backlog(): number {
    return this.queue.length + this.lateQueue.length;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.backlog() > 0 && !this.timer && !this.closed) this.schedule(this.retryDelay());
    });
    return this.running;
  }

  private retryDelay(): number {
    if (this.consecutiveFailures === 0) return 0;
    return backoffDelay(
      this.consecutiveFailures,
      { kind: 'exponential', baseMs: 50, maxMs: this.options.writer.maxRetryDelayMs, jitter: false },
    );
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.writer.batchSize);
      try {
        await this.ready();
        await this.store.insertBatch(batch);
        this.queue.splice(0, batch.length);
        this.written += batch.length;
        this.consecutiveFailures = 0;
      } catch (error) {
        if (isRowError(error) && (await this.insertOneByOne(batch))) continue;
        this.failed(error);
        return;
      }
    }
    // After the queue: the rows these actions belong to are written (or were dropped) by now.
    while (this.lateQueue.length > 0) {
      const { records, outcome } = this.lateQueue[0];
      const errorId = records[0].errorLogId;
      try {
        await this.ready();
        // For late steps a no-op on the row's recovery columns (recovery was attempted; they serve no request).
        await this.store.appendRecovery(errorId, { ...outcome, at: new Date(this.options.clock.now()) }, records);
        this.lateQueue.shift();
        this.consecutiveFailures = 0;
      } catch (error) {
        if (isRowError(error)) {
          // E.g. the error row itself was rejected or dropped: these actions have nothing to belong to.
          this.lateQueue.shift();
          this.dropped.rejected_by_database++;
          this.logger.error(`late recovery actions of error ${errorId} rejected by the database: ${messageOf(error, 300)}`);
          continue;
        }
        this.failed(error);
        return;
      }
    }
    if (this.failedFlushes > 0 && this.consecutiveFailures === 0 && this.lastError !== null) {
      this.logger.log('writing error logs works again');
      this.lastError = null;
    }
  }

  private failed(error: unknown): void {
    this.consecutiveFailures++;
    this.failedFlushes++;
    this.lastError = messageOf(error, 300);
    if (this.consecutiveFailures === 1) this.logger.warn(`writing error logs failed, will retry: ${this.lastError}`);
  }

  /**
   * Isolates the row a batch failed on, so one bad row does not block the others.
   * Returns false when the store failed for another reason (the caller retries later).
   */
  private async insertOneByOne(batch: PendingErrorLog[]): Promise<boolean> {
    for (const entry of batch) {
      try {
        await this.store.insertBatch([entry]);
        this.written++;
      } catch (error) {
        if (!isRowError(error)) return false;
        this.dropped.rejected_by_database++;
        this.logger.error(`error log ${entry.log.id} rejected by the database: ${messageOf(error, 300)}`);
      }
      this.queue.splice(this.queue.indexOf(entry), 1);
    }
    return true;
  }
}
