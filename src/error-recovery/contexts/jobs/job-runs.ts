import type { OperationMethod } from '../../capture/operation-wrapping.js';
import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import { ModuleLogger } from '../../common/log-line.js';
import { isThenable } from '../../common/safe-read.js';
import type { ResolvedBackgroundRetry } from '../../error-recovery-options.js';
import type { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import type { BackgroundOutcome, BackgroundRunner } from '../background-runner.js';
import type { DeadLetterQueue } from '../../dead-letters/dead-letter-queue.service.js';

const logger = new ModuleLogger();

/** What one job's runs need from the module. */
export interface JobRunsSetup {
  operation: string;
  retry: ResolvedBackgroundRetry;
  snapshot: () => RequestSnapshot;
  runner: BackgroundRunner;
  stats: ErrorRecoveryStats;
  /** `@AiErrorHandler({ service })` on the job or its class. */
  service?: string;
  /** Where a job that failed every `@BackgroundRetry()` attempt is kept (under its operation name). */
  deadLetters?: Pick<DeadLetterQueue, 'keep'>;
}

/** Through a safe read: a job may return anything, a Proxy whose traps throw included. */

/**
 * The runs of one scheduled job on one instance. A run that succeeds is untouched: a synchronous job
 * stays synchronous, a promise is handed on. A run that fails is stored; with `@BackgroundRetry()` it
 * is retried (each retry appended to that row), and the runs the scheduler starts meanwhile are
 * skipped, so a retry never overlaps the next tick. After the last failure the error goes on to the
 * scheduler, which logs it as it always does.
 */
export class JobRuns {
  private retryPending = false;
  private skipped = 0;

  constructor(private readonly setup: JobRunsSetup) {}

  run(self: object, args: unknown[], original: OperationMethod): unknown {
    if (this.retryPending) {
      this.skipped++;
      return undefined;
    }
    let result: unknown;
    try {
      result = original.apply(self, args);
    } catch (error) {
      return this.failed(error, self, args, original);
    }
    if (!isThenable(result)) return result;
    return Promise.resolve(result).catch((error: unknown) => this.failed(error, self, args, original));
  }

  /**
   * Without retry the error goes on at once, as it came (thrown, or rejected when called from the
   * promise's rejection), its capture running beside it; with retry the caller gets a promise of the
   * retries' outcome.
   */
  private failed(error: unknown, self: object, args: unknown[], original: OperationMethod): unknown {
    const { retry, runner, snapshot, service } = this.setup;
    const rerun = (): unknown => original.apply(self, args);
    if (retry.attempts <= 1) {
      void this.outcome(runner.afterFailure(error, rerun, snapshot, retry, service), error);
      throw error;
    }
    this.retryPending = true;
    return this.outcome(runner.afterFailure(error, rerun, snapshot, retry, service), error).then((outcome) => {
      this.retryPending = false;
      if (this.skipped > 0) logger.debug(`job ${this.setup.operation}: ${this.skipped} run(s) skipped while its retry was pending`);
      this.skipped = 0;
      if (outcome.ok) return outcome.value;
      this.keep(outcome, args);
      throw outcome.error;
    });
  }

  /** A job that used every retry: kept in the dead-letter queue (its arguments as payload), never failing the run's own error path. */
  private keep(outcome: Extract<BackgroundOutcome<unknown>, { ok: false }>, args: unknown[]): void {
    try {
      this.setup.deadLetters?.keep({
        operation: this.setup.operation,
        payload: { args },
        contextType: 'job',
        attempts: outcome.attempts,
        error: outcome.error,
        errorLogId: outcome.captured?.id ?? null,
      });
    } catch (fault) {
      this.setup.stats.fault('operation', fault);
    }
  }

  /** The runner's outcome; a fault of the module (a clock that rejects) counts, and the job's own error goes on. */
  private outcome(pending: Promise<BackgroundOutcome<unknown>>, error: unknown): Promise<BackgroundOutcome<unknown>> {
    return pending.catch((fault: unknown) => {
      this.setup.stats.fault('operation', fault);
      return { ok: false, error, attempts: 1 };
    });
  }
}
