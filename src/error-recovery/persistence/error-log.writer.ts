import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_LOG_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { backoffDelay } from '../resilience/backoff.js';
import type { ErrorLogStore, RecoveryOutcomeUpdate } from './error-log-store.interface.js';
import { messageOf } from '../common/error-text.js';
import { settlesWithin } from '../resilience/settles-within.js';
import type { PendingErrorLog, RecoveryTrigger } from './error-log.record.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import { completeRecord } from './error-log.draft.js';
import { LateActions } from './late-actions.js';
import { DropCounter, type DropReason } from './drop-counter.js';
import { ErrorJournal } from './journal/error-journal.js';
import type { WriterStats } from './writer-stats.interface.js';
import { DIRECT, nextSpillState, spillsToJournal, type SpillEvent, type SpillState } from './journal/spill-state.js';
import { insertBatches } from './insert-batches.js';

export type { DropReason } from './drop-counter.js';
export type { WriterStats } from './writer-stats.interface.js';

/**
 * Writes captured errors off the request path: an in-memory queue flushed in batches (one
 * `unnest` INSERT each, `concurrency` at a time) every `flushIntervalMs` or `batchSize` rows. When
 * the store falls behind (`spillAbove` rows waiting) or is down, new errors go to an on-disk
 * journal instead, and the queue follows them there; the journal is replayed in order once writes
 * succeed again, and on the next start if the process died. A failed write keeps its rows and is
 * retried with backoff. Inserts are idempotent by id, so a batch written twice is stored once.
 *
 * Actions that settle after their error was queued (a strategy that overran the recovery budget)
 * are appended to that error with {@link appendLate}: written after the queued errors, each exactly
 * once (their ids are fixed when they settle), and waited for at shutdown.
 */
@Injectable()
export class ErrorLogWriter implements OnModuleInit {
  private readonly logger = new ModuleLogger();
  private queue: PendingErrorLog[] = [];
  private readonly late: LateActions;
  private readonly journal: ErrorJournal | undefined;
  private readonly drops: DropCounter;
  private state: SpillState = DIRECT;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private consecutiveFailures = 0;
  private written = 0;
  private failedFlushes = 0;
  private lastError: string | null = null;
  private closed = false;

  constructor(
    @Inject(ERROR_LOG_STORE) private readonly store: ErrorLogStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Optional() private readonly events?: RecoveryEvents,
  ) {
    const { journal } = options.writer;
    this.journal = journal
      ? new ErrorJournal(journal, {
          prepare: (entries) => this.complete(entries),
          writeFailed: (entries, error) => this.journalFailed(entries, error),
        })
      : undefined;
    this.drops = new DropCounter(this.logger, options.clock, events);
    this.late = new LateActions(store, options.clock, this.drops);
  }

  async onModuleInit(): Promise<void> {
    // Journals of processes that died (and of this one's previous run) are replayed first.
    await this.journal?.takeOver().catch(() => undefined);
    if (this.journal && this.journal.records > 0) {
      this.logger.log(`replaying ${this.journal.records} captured errors kept in the journal`);
      this.state = { kind: 'replaying', since: this.options.clock.now() };
      this.schedule(0);
    }
    // Never fail the app's start-up: if the store is down now, the writer keeps retrying.
    try {
      await this.ready();
    } catch (error) {
      this.logger.error(`initialization_failed: error store unreachable (${messageOf(error, 300)}); will retry`);
      this.events?.emit('initialization.failed', { component: 'error_store', reason: messageOf(error, 300) });
    }
  }

  /** Queues one captured error. Returns false (and counts it) when it cannot be kept. */
  enqueue(entry: PendingErrorLog): boolean {
    if (this.closed) return this.drop('after_close', `error ${entry.log.id} captured after the error store was closed; not stored`);
    if (this.journal && spillsToJournal(this.state)) {
      const result = this.journal.append(entry);
      if (result === 'journaled') {
        this.schedule(this.options.writer.flushIntervalMs);
        return true;
      }
      // A full journal: memory is the last resort before dropping.
      if (result === 'full' && this.queue.length >= this.options.writer.maxQueue) return this.drop('journal_full', `error journal full (${this.options.writer.journal ? this.options.writer.journal.maxBytes : 0} bytes)`);
    }
    if (this.queue.length >= this.options.writer.maxQueue) return this.drop('queue_full', `error log queue full (${this.queue.length})`);
    this.queue.push(entry);
    // Checked here first: no event object per error while the queue is short.
    if (this.journal && this.queue.length >= this.options.writer.spillAbove) this.observe({ type: 'queued', waiting: this.queue.length, spillAbove: this.options.writer.spillAbove });
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
    const refusal = (): DropReason | undefined =>
      this.closed ? 'after_close' : this.late.waiting + this.queue.length >= this.options.writer.maxQueue ? 'queue_full' : undefined;
    this.late.track(errorId, late, trigger, firstPosition, outcome, refusal, () => this.schedule(this.options.writer.flushIntervalMs));
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
   * Writes everything waiting now, the journal included. Resolves true when nothing waits, false
   * at the deadline — also when a write hangs on a stalled database (it goes on in the background).
   */
  async flush(timeoutMs = this.options.writer.shutdownTimeoutMs): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.backlog() > 0 && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      this.clearTimer();
      await settlesWithin(this.run(), left);
      // A failing store is retried on the backoff schedule here too, not every 50 ms.
      if (this.backlog() > 0) await settlesWithin(new Promise<void>(() => undefined), Math.min(Math.max(this.consecutiveFailures > 0 ? 50 : 5, this.retryDelay()), Math.max(0, deadline - Date.now())));
    }
    return this.backlog() === 0;
  }

  stats(): WriterStats {
    return {
      queued: this.backlog(),
      written: this.written,
      dropped: { ...this.drops.counts },
      failedFlushes: this.failedFlushes,
      connected: this.connected,
      lastError: this.lastError,
      mode: this.state.kind,
      journal: this.journal?.stats() ?? null,
    };
  }

  /**
   * Last drain, called by the module's shutdown sequence: requests still in flight while the server
   * closed may have queued errors after the first drain. What the store does not take by the
   * deadline goes to the journal (for the next start); only what cannot go there is counted as
   * dropped. Then the store is closed.
   */
  async finalDrain(): Promise<void> {
    const ms = this.options.writer.shutdownTimeoutMs;
    await this.late.settle(ms);
    // A store that is down is not waited for when the journal can keep the errors.
    const storeUp = this.consecutiveFailures === 0 || !this.journal;
    const drained = storeUp ? await this.flush(ms) : false;
    this.closed = true;
    this.clearTimer();
    if (!drained) {
      // Wait for a write in flight: its rows must not be both journaled and counted as written.
      if (this.running) await settlesWithin(this.running, ms);
      const kept = this.spillQueue();
      const lost = this.queue.length + this.late.discard();
      if (lost > 0) this.drop('shutdown_timeout', `shutdown: ${lost} captured errors (or late actions) could not be stored (${this.lastError})`, lost);
      if (kept > 0) this.logger.warn(`shutdown: ${kept} captured errors kept in the journal; the next start replays them`);
      this.queue = [];
    }
    if (this.journal) await settlesWithin(this.journal.close().catch(() => undefined), ms);
    // A connect still in flight would open a pool after the close and keep the process alive.
    if (this.connecting) await settlesWithin(this.connecting, ms);
    const closing = Promise.resolve()
      .then(() => this.store.close())
      .catch((error: unknown) => this.logger.warn(`closing the error store failed: ${messageOf(error, 300)}`));
    await settlesWithin(closing, ms);
  }

  /**
   * Finishes entries right before they leave memory (to the store or to the journal). The place
   * where work kept off the request path is done, in the writer's batch.
   */
  private complete(entries: PendingErrorLog[]): PendingErrorLog[] {
    // The request path queued what the answer needed; scrubbing and fingerprinting happen here.
    // An entry that throws here never becomes storable: it is counted and left out (on its way to
    // the journal; the insert path rejects it the same way), never allowed to stop the others.
    const ready: PendingErrorLog[] = [];
    for (const entry of entries) {
      try {
        ready.push(completeRecord(entry));
      } catch (error) {
        this.drop('rejected_by_database', `error log ${entry.log.id} could not be made storable: ${messageOf(error, 300)}`);
      }
    }
    return ready;
  }

  private drop(reason: DropReason, message: string, count = 1): false {
    return this.drops.drop(reason, message, count);
  }

  private observe(event: SpillEvent): void {
    const before = this.state.kind;
    this.state = nextSpillState(this.state, event, this.options.clock.now());
    if (this.state.kind === before) return;
    if (this.state.kind === 'spilling') this.logger.warn(`error store ${this.state.reason === 'store_down' ? 'down' : 'behind'}: captured errors go to the journal`);
    else if (this.state.kind === 'direct') this.logger.log('error journal replayed; captured errors are written directly again');
  }

  /**
   * Moves the in-memory queue to the journal, ahead of what the journal already holds (errors
   * spilled while these waited in memory were captured after them); returns how many went.
   */
  private spillQueue(): number {
    if (!this.journal || this.queue.length === 0) return 0;
    const moved = this.journal.prepend(this.queue);
    this.queue.splice(0, moved);
    return moved;
  }

  /** A journal write failed: its entries come back to memory (the journal is off from now on). */
  private journalFailed(entries: PendingErrorLog[], error: unknown): void {
    this.logger.error(`error journal unusable, keeping errors in memory: ${messageOf(error, 300)}`);
    const room = Math.max(0, this.options.writer.maxQueue - this.queue.length);
    this.queue.push(...entries.slice(0, room));
    if (entries.length > room) this.drop('queue_full', 'error journal unusable and queue full', entries.length - room);
    this.schedule(0);
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

  /** Errors and late action groups waiting to be written, in memory and in the journal. */
  private backlog(): number {
    return this.queue.length + this.late.waiting + (this.journal?.records ?? 0);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): Promise<void> {
    this.running ??= this.drain()
      .catch((error: unknown) => this.failed(error))
      .finally(() => {
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
    const { batchSize, concurrency } = this.options.writer;
    for (;;) {
      const fromJournal = this.queue.length === 0 && this.journal !== undefined && this.journal.records > 0;
      const taken = fromJournal ? await this.journal!.next(batchSize * concurrency) : this.queue.slice(0, batchSize * concurrency);
      if (taken.length === 0) break;
      await this.ready();
      const outcome = await insertBatches(this.store, taken, batchSize, completeRecord);
      this.written += outcome.stored.length;
      if (outcome.rejected.length > 0) {
        for (const r of outcome.rejected) this.drop('rejected_by_database', `error log ${r.entry.log.id} rejected: ${messageOf(r.error, 300)}`);
      }
      const done = [...outcome.stored, ...outcome.rejected.map((r) => r.entry)];
      if (fromJournal) await this.journal!.stored(done);
      else this.removeFromQueue(taken.length, done);
      if (outcome.failure !== undefined) throw outcome.failure;
      this.succeeded();
    }
    if (this.journal && this.queue.length === 0 && this.journal.records === 0) this.observe({ type: 'drained' });
    await this.late.write(() => this.succeeded());
  }

  /** The first `takenCount` entries of the queue were attempted; `done` of them leave it. */
  private removeFromQueue(takenCount: number, done: readonly PendingErrorLog[]): void {
    if (done.length === takenCount) {
      this.queue.splice(0, takenCount);
      return;
    }
    const gone = new Set(done);
    this.queue = [...this.queue.slice(0, takenCount).filter((e) => !gone.has(e)), ...this.queue.slice(takenCount)];
  }

  private succeeded(): void {
    this.consecutiveFailures = 0;
    if (this.journal) this.observe({ type: 'write_succeeded' });
    if (this.lastError !== null) {
      this.logger.log('writing error logs works again');
      this.lastError = null;
    }
  }

  private failed(error: unknown): void {
    this.consecutiveFailures++;
    this.failedFlushes++;
    this.lastError = messageOf(error, 300);
    if (this.consecutiveFailures === 1) this.logger.warn(`writing error logs failed, will retry: ${this.lastError}`);
    if (!this.journal) return;
    // The store is down: what waits in memory goes to disk, where a crash does not lose it.
    this.observe({ type: 'write_failed' });
    this.spillQueue();
  }
}
