import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { CapturedError } from '../capture/captured-errors.js';
import type { RequestSnapshot } from '../capture/request-snapshot.js';
import { messageOf } from '../common/error-text.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedBackgroundRetry, ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorPipeline } from '../error-pipeline.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import { ErrorLogWriter } from '../persistence/error-log.writer.js';
import { settlesWithin } from '../resilience/settles-within.js';

/** How a run of background work ended. */
export type BackgroundOutcome<T> =
  | { ok: true; value: T; attempts: number; captured?: CapturedError }
  | { ok: false; error: unknown; attempts: number; captured?: CapturedError };

/** Delay before retry `n` (1-based): `delayMs × factor^(n-1)`, at most `maxDelayMs`. */
export function backgroundDelay(retry: ResolvedBackgroundRetry, n: number): number {
  return Math.min(retry.maxDelayMs, retry.delayMs * retry.factor ** (n - 1));
}

/**
 * Runs work that is not an HTTP request — a job, an event handler — with capture and, when asked,
 * retries. The first failure is stored at once (its row exists even if the process dies during a
 * backoff); every retry is then appended to that row as a `retry` action as it ends, and a retry that
 * succeeds resolves it. Nothing here throws: the caller gets the outcome and decides (rethrow as
 * plain Nest would, or write a dead letter). When the app closes, a pending backoff ends at once and
 * no retry starts: the outcome is the failure so far, while the writers can still store it.
 */
@Injectable()
export class BackgroundRunner implements BeforeApplicationShutdown {
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly pipeline: ErrorPipeline,
    private readonly writer: ErrorLogWriter,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  /**
   * `snapshot` is called once, on the first failure. `retry.attempts` counts every run. `fn` is
   * called again for each retry; its promise's value is the work's value.
   */
  async run<T>(fn: () => T | Promise<T>, snapshot: () => RequestSnapshot, retry: ResolvedBackgroundRetry, service?: string): Promise<BackgroundOutcome<T>> {
    try {
      return { ok: true, value: await fn(), attempts: 1 };
    } catch (error) {
      return this.afterFailure(error, fn, snapshot, retry, service);
    }
  }

  /**
   * {@link run} from its first failure on, for a caller that made the first run itself (so that a
   * synchronous success stays synchronous): `error` is that run's error, `fn` runs the retries.
   */
  afterFailure<T>(firstError: unknown, fn: () => T | Promise<T>, snapshot: () => RequestSnapshot, retry: ResolvedBackgroundRetry, service?: string): Promise<BackgroundOutcome<T>> {
    const work = this.retried(firstError, fn, snapshot, retry, service);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * The app is closing: pending backoffs end now, and waits at most `ms` for the runs in flight to
   * reach their outcome (so a dead letter or a last attempt is handed to the writers before they drain).
   */
  stop(ms: number): Promise<boolean> {
    this.closing.abort();
    return settlesWithin(Promise.all(this.inFlight), ms);
  }

  private async retried<T>(firstError: unknown, fn: () => T | Promise<T>, snapshot: () => RequestSnapshot, retry: ResolvedBackgroundRetry, service?: string): Promise<BackgroundOutcome<T>> {
    let error = firstError;
    const captured = await this.captureFirst(error, snapshot, service);
    let attempts = 1;
    for (let n = 1; n < retry.attempts && !this.closing.signal.aborted; n++) {
      const delayMs = backgroundDelay(retry, n);
      const startedAt = this.options.clock.now();
      if (!(await this.waited(delayMs))) break;
      attempts++;
      try {
        const value = await fn();
        this.appendAttempt(captured, { success: true, message: `attempt ${attempts} of ${retry.attempts} succeeded after ${delayMs} ms`, attempts, delayMs, startedAt }, n);
        return { ok: true, value, attempts, captured };
      } catch (e) {
        error = e;
        this.appendAttempt(captured, { success: false, message: `attempt ${attempts} of ${retry.attempts} failed: ${messageOf(e, 300)}`, attempts, delayMs, startedAt }, n);
      }
    }
    return { ok: false, error, attempts, captured };
  }

  /** The retries of a closing app do not run: its work would run on closed connections, its rows and dead letters be refused. */
  beforeApplicationShutdown(): void {
    this.closing.abort();
  }

  /** False when the app closed before the wait ended, or the clock failed (a fault, counted): no more retries. */
  private async waited(delayMs: number): Promise<boolean> {
    if (this.closing.signal.aborted) return false;
    try {
      await this.options.clock.sleep(delayMs, this.closing.signal);
    } catch (fault) {
      if (!this.closing.signal.aborted) this.stats.fault('operation', fault);
      return false;
    }
    return !this.closing.signal.aborted;
  }

  /** Stores the first failure; undefined when it is not captured (a client error) or capture failed (counted). */
  private async captureFirst(error: unknown, snapshot: () => RequestSnapshot, service?: string): Promise<CapturedError | undefined> {
    try {
      if (!this.pipeline.shouldCapture(error)) return undefined;
      return await this.pipeline.capture(error, snapshot(), { replaySafe: false, routeOptions: { recovery: false, ...(service ? { service } : {}) } });
    } catch (fault) {
      this.stats.fault('operation', fault);
      return undefined;
    }
  }

  private appendAttempt(captured: CapturedError | undefined, step: { success: boolean; message: string; attempts: number; delayMs: number; startedAt: number }, position: number): void {
    if (!captured) return;
    try {
      const action: ExecutedAction = {
        strategy: 'retry',
        success: step.success,
        skipped: false,
        message: step.message,
        details: { attempt: step.attempts, delayMs: step.delayMs },
        startedAt: step.startedAt,
        durationMs: this.options.clock.now() - step.startedAt,
      };
      this.writer.appendLate(captured.id, Promise.resolve([action]), 'automatic', captured.report.actions.length + position - 1, { success: step.success, strategy: step.success ? 'retry' : null });
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
  }
}
