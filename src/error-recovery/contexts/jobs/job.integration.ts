import { Inject, Injectable } from '@nestjs/common';
import type { AiErrorHandlerOptions } from '../../capture/ai-error-handler-options.interface.js';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { readProp, readString } from '../../common/safe-read.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import { resolveBackgroundRetry, type ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import type { BackgroundRetryOptions } from '../../error-recovery-options.interface.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { BACKGROUND_RETRY_METADATA } from '../background-retry.decorator.js';
import { BackgroundRunner } from '../background-runner.js';
import { JobRuns } from './job-runs.js';
import { DeadLetterQueue } from '../../dead-letters/dead-letter-queue.service.js';
import { jobKind, scheduledJob } from './scheduled-job.js';

/**
 * Scheduled jobs of @nestjs/schedule (`@Cron`, `@Interval`, `@Timeout`): every run that throws or
 * rejects is stored as a `job` error named after the job, and retried when the job carries
 * `@BackgroundRetry()` (no retry otherwise). The scheduler still gets the job's error after the last
 * attempt and logs it as it always does.
 */
@Injectable()
export class JobIntegration implements OperationIntegration {
  readonly name = 'job';

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly runner: BackgroundRunner,
    private readonly stats: ErrorRecoveryStats,
    private readonly deadLetters: DeadLetterQueue,
  ) {}

  selects(_classRef: ClassRef, _methodName: string, method: OperationMethod): boolean {
    return this.options.contexts.jobs && jobKind(method) !== undefined;
  }

  handler(instance: object, classRef: ClassRef, methodName: string): OperationHandler | undefined {
    const method = readProp(Object.getPrototypeOf(instance), methodName);
    if (typeof method !== 'function') return undefined;
    const job = scheduledJob(readString(classRef, 'name') ?? 'Anonymous', methodName, method);
    if (!job) return undefined;
    const context = { kind: job.kind, schedule: job.schedule };
    const handlerOptions = (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as AiErrorHandlerOptions | undefined;
    const runs = new JobRuns({
      operation: job.operation,
      retry: resolveBackgroundRetry(Reflect.getMetadata(BACKGROUND_RETRY_METADATA, method) as BackgroundRetryOptions | undefined),
      snapshot: () => operationSnapshot('job', job.operation, context, this.options.capture),
      runner: this.runner,
      stats: this.stats,
      service: handlerOptions?.service,
      deadLetters: this.deadLetters,
    });
    return (self, args, original) => runs.run(self, args, original);
  }
}
