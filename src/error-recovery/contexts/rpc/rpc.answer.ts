import { Inject, Injectable, type ArgumentsHost } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ContextAnswer } from '../../capture/operation-integration.js';
import { NO_REQUEST, operationSnapshot, type RequestSnapshot } from '../../capture/request-snapshot.js';
import { callMethod } from '../../common/safe-read.js';
import { ERROR_RECOVERY_OPTIONS } from '../../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../../error-recovery-options.js';
import { rpcErrorAnswer } from './rpc-error-answer.js';
import { contextPattern, handlerPattern, transportOf } from './rpc-pattern.js';
import { PATTERN_METADATA } from './rpc.constants.js';

/** Reflect metadata of a function; undefined for anything else. */
function metadataOf(target: unknown, key: string): unknown {
  return typeof target === 'function' ? (Reflect.getMetadata(key, target) as unknown) : undefined;
}

/**
 * How the filter answers an error of a microservice handler: stored with its pattern, transport
 * and payload (scrubbed), answered as Nest's own RPC filter answers — after the capture settled, so
 * the generic answer can carry the error's id. Nothing here throws into Nest: the answer is an
 * Observable that errors.
 */
@Injectable()
export class RpcAnswer implements ContextAnswer {
  readonly type = 'rpc';

  /** Errors a handler's wrapper stored and handed on to the filter, with their capture. */
  private readonly handedOn = new WeakMap<object, CapturedError>();

  /** Errors of handlers that declined capture (`@AiErrorHandler({ capture: false })`), each taken once. */
  private readonly declined = new WeakSet<object>();

  constructor(@Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions) {}

  /** A handler's wrapper stored `error` as `captured` and hands it on: the filter answers with that capture. */
  handOn(error: unknown, captured: CapturedError): void {
    if (typeof error === 'object' && error !== null) this.handedOn.set(error, captured);
  }

  earlier(exception: unknown): CapturedError | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const captured = this.handedOn.get(exception);
    this.handedOn.delete(exception);
    return captured;
  }

  /** A handler's wrapper hands on an error its handler declined to have captured. */
  decline(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.declined.add(error);
  }

  /** False for an error of a handler that declined capture: answered as plain Nest answers it, not stored. */
  captures(_host: ArgumentsHost, exception: unknown): boolean {
    return !(typeof exception === 'object' && exception !== null && this.declined.delete(exception));
  }

  snapshot(host: ArgumentsHost): RequestSnapshot {
    if (!this.options.contexts.rpc) return { ...NO_REQUEST, contextType: 'rpc' };
    const rpc = host.switchToRpc();
    const context = rpc.getContext<unknown>();
    // The host Nest's RPC proxy builds carries the arguments only; a handler is there when another caller set it.
    const operation = contextPattern(context) ?? handlerPattern(metadataOf(callMethod(host, 'getHandler'), PATTERN_METADATA));
    return operationSnapshot('rpc', operation, { transport: transportOf(context), payload: rpc.getData<unknown>() }, this.options.capture);
  }

  answer(exception: unknown, _host: ArgumentsHost, captured: Promise<CapturedError | undefined>): Observable<never> {
    if (!this.options.contexts.rpc) return throwError(() => rpcErrorAnswer(exception));
    return new Observable<never>((subscriber) => {
      captured.then(
        (c) => subscriber.error(rpcErrorAnswer(exception, c?.id)),
        () => subscriber.error(rpcErrorAnswer(exception)),
      );
    });
  }
}
