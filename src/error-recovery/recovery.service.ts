import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AiErrorHandlerOptions } from './capture/ai-error-handler-options.interface.js';
import { SelfReplay } from './capture/self-replay.js';
import { NO_REQUEST } from './capture/request-snapshot.js';
import { scrub } from './common/scrub.js';
import type { Classification } from './classify/classification.interface.js';
import { ErrorPipeline } from './error-pipeline.js';
import { ERROR_LOG_STORE, ERROR_RECOVERY_OPTIONS } from './error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
import { ErrorRecoveryStats } from './error-recovery.stats.js';
import { DeadLetterQueue } from './dead-letters/dead-letter-queue.service.js';
import { ErrorLogNotFoundError } from './errors/error-log-not-found.error.js';
import { RecoveryExecutor } from './execute/recovery-executor.js';
import { recoverySummary, type RecoverySummary } from './execute/recovery-report.js';
import { toActionRecords } from './persistence/recovery-action.records.js';
import type { ErrorLogStore } from './persistence/error-log-store.interface.js';
import type { ErrorLogRecord } from './persistence/error-log.record.js';
import { ErrorLogWriter } from './persistence/error-log.writer.js';
import { isRowError } from './persistence/row-error.js';
import { planRecovery } from './plan/recovery-planner.js';

/** Options of {@link withRecovery} / {@link RecoveryService.run}. */
export interface WithRecoveryOptions extends Omit<AiErrorHandlerOptions, 'capture' | 'replaySafe'> {
  /**
   * Whether `fn` may be run again by recovery (retry, and strategies that re-run after their effect).
   * Default `false`: the module cannot know whether `fn` is idempotent, and running a payment again
   * charges twice; those strategies then report `skipped: not replay-safe` and the error is rethrown.
   * Set `true` for reads and idempotent calls (or ones carrying an idempotency key).
   */
  replaySafe?: boolean;
  /** Extra data stored with the error (scrubbed), e.g. a job id. */
  context?: Record<string, unknown>;
  /**
   * When recovery does not save the call, keep the work in the dead-letter queue: `operation` names
   * the `@DeadLetterHandler()` that will run `payload` again (scrubbed as error rows, except the
   * handler's `keepFields`). Without a handler of that name the item is kept `exhausted`, for an
   * operator. The error is rethrown either way. Default: nothing is kept.
   */
  deadLetter?: { operation: string; payload: unknown };
}

/** Result of a manual recovery run, as `POST /api/errors/recovery/trigger` returns it. */
export interface ManualRecoveryResult {
  success: boolean;
  error_id: string;
  recovery: RecoverySummary;
}

/** Rebuilds what the planner and strategies need from a stored row. */
function storedClassification(row: ErrorLogRecord): Classification {
  return {
    errorType: row.errorType,
    category: row.category,
    severity: row.severity,
    httpStatus: row.httpStatus,
    transient: row.transient,
    fingerprint: row.fingerprint,
    userMessage: '',
    message: row.message,
    stack: row.stack ?? undefined,
  };
}

/** Programmatic recovery: re-run the plan of a stored error, or wrap any function. */
@Injectable()
export class RecoveryService implements OnModuleInit, OnModuleDestroy {
  private static active: RecoveryService | undefined;

  constructor(
    private readonly capture: ErrorPipeline,
    private readonly executor: RecoveryExecutor,
    private readonly writer: ErrorLogWriter,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_LOG_STORE) private readonly store: ErrorLogStore,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly selfReplay: SelfReplay,
    @Optional() private readonly deadLetters?: DeadLetterQueue,
  ) {}

  /** The instance `withRecovery()` uses: the one of the running app. */
  static current(): RecoveryService | undefined {
    return RecoveryService.active;
  }

  onModuleInit(): void {
    RecoveryService.active = this;
  }

  onModuleDestroy(): void {
    if (RecoveryService.active === this) RecoveryService.active = undefined;
  }

  /**
   * Runs the plan of a stored error again (trigger `manual`) and appends the actions to it.
   * Strategies acting on shared targets really act; strategies that run the request again replay a
   * stored GET/HEAD against the app itself, and otherwise report `skipped: original request not available`.
   * @throws ErrorLogNotFoundError when no error has this id.
   */
  async triggerManualRecovery(errorId: string): Promise<ManualRecoveryResult> {
    await this.writer.flush(2000);
    await this.writer.ready();
    const stored = await this.store.findById(errorId);
    if (!stored) throw new ErrorLogNotFoundError(errorId);
    const classification = storedClassification(stored);
    const replay = this.selfReplay.forStored(stored);
    const report = await this.executor.run(planRecovery({ classification, mapOverrides: this.options.strategyMap }), {
      errorId,
      error: undefined,
      classification,
      trigger: 'manual',
      replay: 'replay' in replay ? replay.replay : undefined,
      noReplayReason: 'reason' in replay ? replay.reason : undefined,
      replaySafe: 'replay' in replay,
      route: stored.method && stored.route ? { key: `${stored.method} ${stored.route}`, method: stored.method, pattern: stored.route } : undefined,
      retry: this.options.retry,
      parameters: this.options.parameters,
      clock: this.options.clock,
      classify: (e) => this.capture.classify(e),
    });
    const offset = stored.actions.reduce((max, a) => Math.max(max, a.position + 1), 0);
    const outcome = { success: report.success, strategy: report.resolvedBy };
    try {
      await this.store.appendRecovery(errorId, { ...outcome, at: new Date(this.options.clock.now()) }, toActionRecords(errorId, report.actions, 'manual', offset));
    } catch (error) {
      // The run happened, and so did its effects (a pool grown, a DataSource restarted): a failed
      // write must not lose their record. The writer retries it with its backoff, like a captured error.
      if (isRowError(error)) throw error;
      this.writer.appendLate(errorId, Promise.resolve(report.actions), 'manual', offset, outcome);
    }
    if (report.late) this.writer.appendLate(errorId, report.late, 'manual', offset + report.actions.length);
    return { success: report.success, error_id: errorId, recovery: recoverySummary(report) };
  }

  /**
   * Runs `fn`; on error captures it and recovers, returning the recovered value, or rethrows the
   * original error when recovery did not succeed. `fn` is run again (retry) only with `replaySafe: true`.
   */
  async run<T>(fn: () => T | Promise<T>, options: WithRecoveryOptions = {}): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      let recovered: { value: T } | undefined;
      let errorLogId: string | null = null;
      try {
        const snapshot = options.context ? { ...NO_REQUEST, context: { extra: scrub(options.context) } } : NO_REQUEST;
        const captured = await this.capture.capture(error, snapshot, {
          replay: async () => fn(),
          // Opt-in: a wrapped non-idempotent call (a payment) must not run twice by default.
          replaySafe: options.replaySafe === true,
          routeOptions: options,
        });
        errorLogId = captured.id;
        if (captured.report.success) recovered = { value: captured.report.result as T };
        else this.capture.rethrown(error, captured);
      } catch (fault) {
        this.stats.fault('capture', fault);
      }
      if (recovered) return recovered.value;
      if (options.deadLetter) this.keep(options.deadLetter, error, errorLogId);
      throw error;
    }
  }

  /** Kept for its handler; a fault of the queue is counted and never replaces the call's own error. */
  private keep(work: { operation: string; payload: unknown }, error: unknown, errorLogId: string | null): void {
    try {
      this.deadLetters?.keep({ operation: work.operation, payload: work.payload, contextType: 'job', attempts: 1, error, errorLogId });
    } catch (fault) {
      this.stats.fault('capture', fault);
    }
  }
}

/**
 * Runs `fn` with capture and recovery of the running app's `ErrorRecoveryModule` — the equivalent
 * of a context manager. Without a running module it simply runs `fn`. `fn` is re-run by recovery
 * only when `options.replaySafe` is `true` (default `false`).
 */
export async function withRecovery<T>(fn: () => T | Promise<T>, options: WithRecoveryOptions = {}): Promise<T> {
  const service = RecoveryService.current();
  return service ? service.run(fn, options) : fn();
}
