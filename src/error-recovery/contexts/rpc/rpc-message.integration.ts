import { Inject, Injectable } from '@nestjs/common';
import { catchError, from, isObservable, mergeMap, throwError } from 'rxjs';
import type { AiErrorHandlerOptions } from '../../capture/ai-error-handler-options.interface.js';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { isThenable } from '../../common/safe-read.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { eventArguments } from './rpc-event-arguments.js';
import { decliningHandler } from './rpc-declined.js';
import { RpcAnswer } from './rpc.answer.js';
import { contextPattern, handlerPattern, transportOf } from './rpc-pattern.js';
import { MESSAGE_HANDLER, PATTERN_HANDLER_METADATA, PATTERN_METADATA } from './rpc.constants.js';


/**
 * `@MessagePattern()` handlers: their failure is stored here, with the payload and pattern, and the
 * same error goes on to Nest. Where the module's filter applies (a microservice app, a hybrid one
 * connected with `inheritAppConfig: true`, or `@AiErrorHandler()` on the controller) it finds this
 * capture and answers with its `error_id`; where it does not (a hybrid app's microservice by
 * default gets no global filter from Nest), Nest's own RPC filter answers and the row is still
 * stored. Not retried: a caller waits for the answer, and a message is not known to be safe to repeat.
 */
@Injectable()
export class RpcMessageIntegration implements OperationIntegration {
  readonly name = 'rpc';
  readonly readsCaptureOption = true;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly pipeline: ErrorPipeline,
    private readonly stats: ErrorRecoveryStats,
    private readonly answer: RpcAnswer,
  ) {}

  selects(classRef: ClassRef, methodName: string, method: OperationMethod): boolean {
    if (!this.options.contexts.rpc || Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) !== MESSAGE_HANDLER) return false;
    // Now, while only classes are known: a microservice reads the param metadata when it binds, before any init hook.
    eventArguments(classRef, methodName);
    return true;
  }

  handler(_instance: object, classRef: ClassRef, methodName: string): OperationHandler {
    const method = (classRef.prototype as Record<string, unknown>)[methodName] as object;
    const routeOptions = (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as AiErrorHandlerOptions | undefined;
    const layout = eventArguments(classRef, methodName);
    if (routeOptions?.capture === false) return decliningHandler(this.answer, layout);
    const pattern = handlerPattern(Reflect.getMetadata(PATTERN_METADATA, method));
    return (self, args, original) => {
      const payload = args[layout.payload];
      const context = args[layout.context];
      if (layout.added) args.length = layout.declared;
      const failed = (error: unknown): Promise<never> => this.failed(error, pattern, payload, context, routeOptions);
      let value: unknown;
      try {
        value = original.apply(self, args);
      } catch (error) {
        return failed(error);
      }
      if (isObservable(value)) return value.pipe(catchError((error: unknown) => from(failed(error)).pipe(mergeMap(() => throwError(() => error)))));
      if (!isThenable(value)) return value;
      return Promise.resolve(value).then(undefined, failed);
    };
  }

  /** Stores the failure (once: the filter takes this capture) and rejects with the same error. */
  private async failed(error: unknown, pattern: string | null, payload: unknown, context: unknown, routeOptions: AiErrorHandlerOptions | undefined): Promise<never> {
    try {
      if (this.pipeline.shouldCapture(error, routeOptions)) {
        const snapshot = operationSnapshot('rpc', contextPattern(context) ?? pattern, { transport: transportOf(context), payload }, this.options.capture);
        const captured = await this.pipeline.capture(error, snapshot, { replaySafe: false, routeOptions });
        this.answer.handOn(error, captured);
      }
    } catch (fault) {
      this.stats.fault('operation', fault);
    }
    throw error;
  }
}
