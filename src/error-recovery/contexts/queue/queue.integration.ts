import { Inject, Injectable } from '@nestjs/common';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { readProp, readString } from '../../common/safe-read.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { isJobMove, jobContext } from './job-context.js';

/** `PROCESSOR_METADATA` of `@nestjs/bullmq` (bull.constants): `@Processor()` puts `{ name }` on the class. */
export const BULLMQ_PROCESSOR_METADATA = 'bullmq:processor_metadata';

/** The method `@nestjs/bullmq` binds as the worker's processor (`WorkerHost.process`). */
const PROCESS_METHOD = 'process';

/**
 * BullMQ processors (`@nestjs/bullmq`): a `process()` that throws or rejects is stored with its
 * queue, job and attempt, and the same error goes on to BullMQ, whose own retries and backoff decide
 * what happens next. The module neither retries nor runs a recovery plan here: the job belongs to
 * BullMQ, and each of its attempts is its own row.
 */
@Injectable()
export class QueueIntegration implements OperationIntegration {
  readonly name = 'queue';

  constructor(
    private readonly pipeline: ErrorPipeline,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  selects(classRef: ClassRef, methodName: string): boolean {
    return this.options.contexts.queues && methodName === PROCESS_METHOD && Reflect.getMetadata(BULLMQ_PROCESSOR_METADATA, classRef) !== undefined;
  }

  handler(_instance: object, classRef: ClassRef): OperationHandler {
    const queueName = readString(Reflect.getMetadata(BULLMQ_PROCESSOR_METADATA, classRef), 'name');
    return (self, args, original) => {
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        this.capture(error, args[0], queueName);
        throw error;
      }
      if (typeof readProp(result, 'then') !== 'function') return result;
      return (result as Promise<unknown>).then(undefined, (error: unknown) => {
        this.capture(error, args[0], queueName);
        throw error;
      });
    };
  }

  /** Stores the failure without waiting: the worker gets its error back at once. */
  private capture(error: unknown, job: unknown, queueName: string | undefined): void {
    try {
      if (isJobMove(error) || !this.pipeline.shouldCapture(error)) return;
      const queue = readString(job, 'queueName') ?? queueName ?? null;
      const snapshot = operationSnapshot('queue', queue, jobContext(job), this.options.capture);
      this.pipeline.capture(error, snapshot, { replaySafe: false, routeOptions: { recovery: false } }).catch((fault: unknown) => this.stats.fault('operation', fault));
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
  }
}
