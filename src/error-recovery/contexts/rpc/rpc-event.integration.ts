import { Inject, Injectable } from '@nestjs/common';
import type { AiErrorHandlerOptions } from '../../capture/ai-error-handler-options.interface.js';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot, type RequestSnapshot } from '../../capture/request-snapshot.js';
import { ModuleLogger } from '../../common/log-line.js';
import { isThenable } from '../../common/safe-read.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import { resolveBackgroundRetry, type ResolvedBackgroundRetry, type ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { DeadLetterQueue } from '../../dead-letters/dead-letter-queue.service.js';
import { BACKGROUND_RETRY_METADATA } from '../background-retry.decorator.js';
import { BackgroundRunner, type BackgroundOutcome } from '../background-runner.js';
import { eventArguments, type EventArguments } from './rpc-event-arguments.js';
import { decliningHandler } from './rpc-declined.js';
import { RpcAnswer } from './rpc.answer.js';
import { contextPattern, handlerPattern, transportOf } from './rpc-pattern.js';
import { EVENT_HANDLER, PATTERN_HANDLER_METADATA, PATTERN_METADATA } from './rpc.constants.js';

/** What one handler's calls share: read once, when its instance is registered. */
interface EventHandlerPlan {
  layout: EventArguments;
  retry: ResolvedBackgroundRetry;
  pattern: string | null;
  service: string | undefined;
}

/** What one failed call needs to be run again and reported. */
interface FailedCall {
  self: object;
  args: unknown[];
  original: OperationMethod;
  payload: unknown;
  context: unknown;
}

const logger = new ModuleLogger();


/**
 * `@EventPattern()` handlers: nobody waits for their answer, so a failed run is retried with backoff
 * (`@BackgroundRetry()` on the handler, else `contexts.rpcEventRetry`) and, when every attempt
 * failed, its scrubbed payload becomes a dead letter; then the error goes on to Nest as before.
 * `@MessagePattern()` handlers are not retried (their caller waits): see `RpcMessageIntegration`.
 */
@Injectable()
export class RpcEventIntegration implements OperationIntegration {
  readonly name = 'rpc';
  readonly readsCaptureOption = true;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly runner: BackgroundRunner,
    private readonly deadLetters: DeadLetterQueue,
    private readonly stats: ErrorRecoveryStats,
    private readonly answer: RpcAnswer,
  ) {}

  selects(classRef: ClassRef, methodName: string, method: OperationMethod): boolean {
    if (!this.options.contexts.rpc || Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) !== EVENT_HANDLER) return false;
    // Now, while only classes are known: a microservice reads the param metadata when it binds, before any init hook.
    eventArguments(classRef, methodName);
    return true;
  }

  handler(_instance: object, classRef: ClassRef, methodName: string): OperationHandler {
    const method = (classRef.prototype as Record<string, unknown>)[methodName];
    const ownRetry = Reflect.getMetadata(BACKGROUND_RETRY_METADATA, method as object) as Parameters<typeof resolveBackgroundRetry>[0];
    const routeOptions = (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method as object) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as AiErrorHandlerOptions | undefined;
    if (routeOptions?.capture === false) return decliningHandler(this.answer, eventArguments(classRef, methodName));
    const plan: EventHandlerPlan = {
      layout: eventArguments(classRef, methodName),
      retry: resolveBackgroundRetry(ownRetry, this.options.contexts.rpcEventRetry),
      pattern: handlerPattern(Reflect.getMetadata(PATTERN_METADATA, method as object)),
      service: routeOptions?.service,
    };
    const { layout } = plan;
    return (self, args, original) => {
      const payload = args[layout.payload];
      const context = args[layout.context];
      // `args` is the wrapper's own rest array: cut in place, no copy on the success path.
      if (layout.added) args.length = layout.declared;
      let value: unknown;
      try {
        value = original.apply(self, args);
      } catch (error) {
        return this.failed(error, { self, args, original, payload, context }, plan);
      }
      if (!isThenable(value)) return value;
      return Promise.resolve(value).then(undefined, (error: unknown) => this.failed(error, { self, args, original, payload, context }, plan));
    };
  }

  /** Retries a failed call; when none succeeds, writes the dead letter and rethrows the last error, as plain Nest would see it. */
  private async failed(error: unknown, call: FailedCall, plan: EventHandlerPlan): Promise<unknown> {
    let outcome: BackgroundOutcome<unknown>;
    let snapshot: RequestSnapshot | undefined;
    const snapshotOnce = (): RequestSnapshot =>
      (snapshot ??= operationSnapshot('rpc', contextPattern(call.context) ?? plan.pattern, { transport: transportOf(call.context), payload: call.payload }, this.options.capture));
    try {
      let first = true;
      const run = (): unknown => {
        if (!first) return call.original.apply(call.self, call.args);
        first = false;
        throw error;
      };
      outcome = await this.runner.run(run, snapshotOnce, plan.retry, plan.service);
    } catch (fault) {
      this.stats.fault('operation', fault);
      throw error;
    }
    if (outcome.ok) return outcome.value;
    try {
      const operation = snapshotOnce().operation ?? 'unknown';
      const letter = this.deadLetters.keep({
        operation,
        payload: call.payload,
        contextType: 'rpc',
        attempts: outcome.attempts,
        error: outcome.error,
        errorLogId: outcome.captured?.id ?? null,
      });
      // The module's filter answers the rethrown error without Nest's log line: this one says where the payload went.
      logger.warn(`event ${operation} failed ${outcome.attempts} time(s); payload kept as dead letter ${letter.id} (${letter.status}, error ${outcome.captured?.id ?? 'not captured'})`);
      if (outcome.captured) this.answer.handOn(outcome.error, outcome.captured);
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
    throw outcome.error;
  }
}
