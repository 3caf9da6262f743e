import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { operationSnapshot, type RequestSnapshot } from '../../capture/request-snapshot.js';
import { isObjectLike, readString } from '../../common/safe-read.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { completeRecord, draftErrorLog } from '../../persistence/error-log.draft.js';
import { ErrorLogWriter } from '../../persistence/error-log.writer.js';
import { journalBeforeExit } from '../../persistence/journal/journal-before-exit.js';
import { currentRejectionMode, rejectionAsException, UNHANDLED_REJECTION_WARNING } from './rejection-mode.js';

/** The longest an unhandled rejection waits for its row to be written before the process goes on, ms. */
export const REJECTION_FLUSH_MS = 3000;

/** The rejection listeners of every app of this process with the net on: not the app's own. */
const NET_LISTENERS = new WeakSet<(...args: never[]) => unknown>();

/**
 * The nets installed in this process, oldest first. An error of the process is one error, whichever
 * app's code made it: only the oldest net records it and goes on as Node would (one row, one raise).
 */
const INSTALLED: ProcessErrorNet[] = [];

/** Whether a listener other than the module's handles unhandled rejections. */
const appListens = (): boolean => process.listeners('unhandledRejection').some((l) => !NET_LISTENERS.has(l));

/**
 * The last net (`contexts.processErrors: true`): errors no filter and no wrapper saw.
 * - `unhandledRejection`: stored and flushed (at most {@link REJECTION_FLUSH_MS}); then the process
 *   goes on as Node would have without the module. A listener disables Node's own handling, so when
 *   the app has no listener of its own the module does what Node's `--unhandled-rejections` mode
 *   does: `throw` (the default) raises it as an uncaught exception (exit code 1), `warn` warns,
 *   `warn-with-error-code` also sets exit code 1. When the app listens too, the app decides.
 * - `uncaughtExceptionMonitor`: a monitor cannot stop the crash and runs synchronously, so when no
 *   `uncaughtException` listener will keep the process alive, the error goes synchronously to a
 *   journal file that the next start replays; otherwise it is stored as usual.
 * Nothing is installed when the option is off; the listeners go when the app closes.
 */
@Injectable()
export class ProcessErrorNet implements OnModuleInit, OnApplicationShutdown {
  /** Errors recorded already: the exception a rejection is raised as is not recorded twice. */
  private readonly recorded = new WeakSet<object>();
  private installed = false;

  constructor(
    private readonly pipeline: ErrorPipeline,
    private readonly writer: ErrorLogWriter,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  onModuleInit(): void {
    if (!this.options.contexts.processErrors) return;
    NET_LISTENERS.add(this.onRejection);
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtExceptionMonitor', this.onUncaught);
    INSTALLED.push(this);
    this.installed = true;
  }

  onApplicationShutdown(): void {
    if (!this.installed) return;
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtExceptionMonitor', this.onUncaught);
    INSTALLED.splice(INSTALLED.indexOf(this), 1);
    this.installed = false;
  }

  private readonly onRejection = (reason: unknown): void => {
    if (INSTALLED[0] !== this) return;
    // Read now: the app may add or remove listeners while the row is written.
    const appDecides = appListens();
    void this.storeRejection(reason).then(() => {
      if (!appDecides) this.continueAsNode(reason);
    });
  };

  private readonly onUncaught = (error: unknown, origin: string): void => {
    if (INSTALLED[0] !== this) return;
    try {
      if (isObjectLike(error) && this.recorded.has(error)) return;
      this.remember(error);
      if (!this.pipeline.shouldCapture(error)) return;
      const snapshot = this.snapshot(origin);
      // An `uncaughtException` listener keeps the process alive: the writer has time.
      if (process.listenerCount('uncaughtException') > 0 || !this.keepBeforeExit(error, snapshot)) this.capture(error, snapshot);
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
  };

  /** Stores the rejection and waits (bounded) for the row to be written. Never rejects. */
  private async storeRejection(reason: unknown): Promise<void> {
    // The flush timers do not hold the process open; this one does, for as long as the wait may last.
    const hold = setTimeout(() => undefined, REJECTION_FLUSH_MS);
    try {
      if (isObjectLike(reason) && this.recorded.has(reason)) return;
      this.remember(reason);
      if (!this.pipeline.shouldCapture(reason)) return;
      await this.pipeline.capture(reason, this.snapshot('unhandledRejection'), { replaySafe: false, routeOptions: { recovery: false } });
      await this.writer.flush(REJECTION_FLUSH_MS);
    } catch (fault) {
      this.stats.fault('operation', fault);
    } finally {
      clearTimeout(hold);
    }
  }

  /** What Node does with an unhandled rejection nobody listens to, in its current mode. */
  private continueAsNode(reason: unknown): void {
    switch (currentRejectionMode()) {
      case 'throw': {
        const exception = rejectionAsException(reason);
        this.remember(exception);
        // Thrown outside any promise: Node's uncaught-exception path (its handlers, exit code 1).
        process.nextTick(() => {
          throw exception;
        });
        return;
      }
      case 'warn-with-error-code':
        process.exitCode = 1;
        this.warn(reason);
        return;
      case 'warn':
        this.warn(reason);
        return;
      case 'strict':
      case 'none':
        // strict: Node raised it as an uncaught exception before it emitted the event.
        return;
    }
  }

  /** Node's two warnings of an unhandled rejection in the `warn` modes (its wording). */
  private warn(reason: unknown): void {
    const raised = rejectionAsException(reason);
    const shown = raised === reason ? readString(reason, 'stack') : undefined;
    process.emitWarning(shown ?? inspect(reason), 'UnhandledPromiseRejectionWarning');
    process.emitWarning(UNHANDLED_REJECTION_WARNING, 'UnhandledPromiseRejectionWarning');
  }

  private remember(error: unknown): void {
    if (isObjectLike(error)) this.recorded.add(error);
  }

  private snapshot(operation: string): RequestSnapshot {
    return operationSnapshot('process', operation, {}, this.options.capture);
  }

  private capture(error: unknown, snapshot: RequestSnapshot): void {
    this.pipeline.capture(error, snapshot, { replaySafe: false, routeOptions: { recovery: false } }).catch((fault: unknown) => this.stats.fault('operation', fault));
  }

  /** Writes the error to the journal synchronously, for the next start; false when there is no journal to take it. */
  private keepBeforeExit(error: unknown, snapshot: RequestSnapshot): boolean {
    const journal = this.options.writer.journal;
    if (!journal) return false;
    const entry = draftErrorLog({
      id: randomUUID(),
      occurredAt: new Date(this.options.clock.now()),
      service: this.options.service,
      environment: this.options.environment,
      classification: this.pipeline.classify(error),
      request: snapshot,
      report: NOT_ATTEMPTED,
      resolvedAt: null,
    });
    return journalBeforeExit(journal, completeRecord(entry));
  }
}
