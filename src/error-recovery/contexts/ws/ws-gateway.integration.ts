import { Inject, Injectable } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants.js';
import { catchError, from, isObservable } from 'rxjs';
import type { AiErrorHandlerOptions } from '../../capture/ai-error-handler-options.interface.js';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ClassRef, OperationIntegration } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import { operationSnapshot } from '../../capture/request-snapshot.js';
import { isArray, isThenable, readProp } from '../../common/safe-read.js';
import { ErrorPipeline } from '../../error-pipeline.js';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { messageData, type MessageData } from './message-data.js';
import { capturedPayload, WsAnswer } from './ws-answer.js';
import { isWsException } from './ws-exception-payload.js';
import { GATEWAY_METADATA, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from './websockets.constants.js';

/** @nestjs/websockets' WsException, as far as this module uses it. */
type WsExceptionClass = new (error: object) => Error;

/** What the handler of one `@SubscribeMessage` method knows about it. */
interface GatewayMethod {
  pattern: string;
  data: MessageData;
  options: AiErrorHandlerOptions | undefined;
  /** The gateway or the method has exception filters of its own: they get the original error. */
  filtered: boolean;
}

/** Whether `@UseFilters()` put exception filters on `target`. */
function hasFilters(target: object): boolean {
  const filters: unknown = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, target);
  return isArray(filters) && filters.length > 0;
}

/**
 * `@SubscribeMessage` handlers of `@WebSocketGateway` classes. Nest applies no global exception
 * filter to gateways, so without this an error of a gateway that does not carry `@AiErrorHandler()`
 * would never be seen. A handler that throws, rejects or whose Observable errors is stored once as a
 * `ws` error (operation: the pattern; context: the message data, scrubbed) and answered with a
 * WsException carrying `{ status, message, error_id, cause }`, which Nest's own ws filter sends as
 * the `exception` event. A gateway with exception filters of its own (`@UseFilters`, which
 * `@AiErrorHandler()` binds) gets the original error, as always: the module's filter takes the
 * stored capture and answers under the same id. A WsException is the gateway's own answer: untouched.
 */
@Injectable()
export class WsGatewayIntegration implements OperationIntegration {
  readonly name = 'ws';
  readonly readsCaptureOption = true;
  /** Loaded once the app has a gateway (then the package is installed); undefined if that failed. */
  private wsException: Promise<WsExceptionClass | undefined> | undefined;

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly pipeline: ErrorPipeline,
    private readonly stats: ErrorRecoveryStats,
    private readonly answers: WsAnswer,
  ) {}

  selects(classRef: ClassRef, _methodName: string, method: OperationMethod): boolean {
    return this.options.contexts.ws && Reflect.getMetadata(GATEWAY_METADATA, classRef) === true && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) === true;
  }

  handler(instance: object, classRef: ClassRef, methodName: string): OperationHandler | undefined {
    const method = readProp(Object.getPrototypeOf(instance), methodName);
    if (typeof method !== 'function') return undefined;
    const pattern: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
    const gateway: GatewayMethod = {
      pattern: typeof pattern === 'string' ? pattern : String(pattern),
      data: messageData(classRef, methodName),
      options: (Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, method) ?? Reflect.getMetadata(AI_ERROR_HANDLER_METADATA, classRef)) as AiErrorHandlerOptions | undefined,
      filtered: hasFilters(method) || hasFilters(classRef),
    };
    if (!gateway.filtered) this.wsException ??= this.loadWsException();
    return (self, args, original) => {
      let result: unknown;
      try {
        result = original.apply(self, args);
      } catch (error) {
        return this.failed(error, gateway, args);
      }
      if (isThenable(result)) return Promise.resolve(result).then(undefined, (error: unknown) => this.failed(error, gateway, args));
      if (isObservable(result)) return result.pipe(catchError((error: unknown) => from(this.failed(error, gateway, args))));
      return result;
    };
  }

  /** Stores the error (once) and throws what the gateway's client should get. */
  private async failed(error: unknown, gateway: GatewayMethod, args: unknown[]): Promise<never> {
    if (gateway.options?.capture === false) {
      // The module's filter, bound by that very decorator, must not store it either.
      this.answers.decline(error);
      throw error;
    }
    const captured = isWsException(error) ? undefined : await this.captured(error, gateway, args);
    if (!captured) throw error;
    const WsException = gateway.filtered ? undefined : await this.wsException;
    if (WsException) throw new WsException(capturedPayload(captured, { pattern: gateway.pattern, data: gateway.data(args) }));
    // The module's filter, if that is the gateway's, answers with this capture instead of storing again.
    this.pipeline.rethrown(error, captured);
    throw error;
  }

  private async captured(error: unknown, gateway: GatewayMethod, args: unknown[]): Promise<CapturedError | undefined> {
    // Captured already by `withRecovery` inside the handler.
    const earlier = this.pipeline.earlier(error);
    if (earlier) return earlier;
    if (!this.pipeline.shouldCapture(error, gateway.options)) return undefined;
    try {
      const context = this.options.capture.includeBody ? { data: gateway.data(args) } : {};
      const snapshot = operationSnapshot('ws', gateway.pattern, context, this.options.capture);
      return await this.pipeline.capture(error, snapshot, { replaySafe: false, routeOptions: gateway.options });
    } catch (fault) {
      this.stats.fault('operation', fault);
      return undefined;
    }
  }

  private async loadWsException(): Promise<WsExceptionClass | undefined> {
    try {
      return (await import('@nestjs/websockets')).WsException;
    } catch (fault) {
      this.stats.fault('operation', fault);
      return undefined;
    }
  }
}
