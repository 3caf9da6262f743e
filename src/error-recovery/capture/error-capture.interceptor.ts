import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { catchError, defer, lastValueFrom, type Observable } from 'rxjs';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import type { AiErrorHandlerOptions } from './ai-error-handler-options.interface.js';
import { isReplaySafe } from './capture-policy.js';
import { ErrorCaptureService, type CapturedError } from './error-capture.service.js';
import { snapshotRequest } from './request-snapshot.js';

/** Requests an instance of this interceptor already wraps (global and `@AiErrorHandler()` both apply). */
const claimed = new WeakSet<object>();

/**
 * Captures errors of route handlers with the handler in hand, so recovery can run it again.
 * The success path adds one `catchError` and nothing else. When recovery serves the request the
 * client gets the handler's normal response with `X-Error-Id` and `X-Recovery`; otherwise the
 * original error goes on to the exception filters (ours answers with the standard body).
 */
@Injectable()
export class ErrorCaptureInterceptor implements NestInterceptor {
  constructor(
    private readonly capture: ErrorCaptureService,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<object>();
    if (claimed.has(request)) return next.handle();
    claimed.add(request);
    return next.handle().pipe(catchError((error: unknown) => defer(() => this.recover(error, context, next))));
  }

  /** Route settings from `@AiErrorHandler()`; a handler's beat its controller's. */
  protected routeOptions(context: ExecutionContext): AiErrorHandlerOptions | undefined {
    return this.reflector.getAllAndOverride<AiErrorHandlerOptions | undefined>(AI_ERROR_HANDLER_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
  }

  private async recover(error: unknown, context: ExecutionContext, next: CallHandler): Promise<unknown> {
    let captured: CapturedError | undefined;
    try {
      captured = await this.captureError(error, context, next);
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    }
    if (!captured?.report.success) throw error;
    const response = context.switchToHttp().getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter.isHeadersSent(response)) {
      adapter.setHeader(response, 'X-Error-Id', captured.id);
      adapter.setHeader(response, 'X-Recovery', captured.report.resolvedBy ?? 'unknown');
    }
    return captured.report.result;
  }

  private async captureError(
    error: unknown,
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<CapturedError | undefined> {
    const route = this.routeOptions(context);
    if (!this.capture.shouldCapture(error, route)) return undefined;
    const http = context.switchToHttp();
    const request = http.getRequest<object>();
    const response = http.getResponse<unknown>();
    const snapshot = snapshotRequest(request, this.options.capture);
    const adapter = this.adapterHost.httpAdapter;
    const replaySafe =
      isReplaySafe(snapshot.method, snapshot.headers, route?.replaySafe) && !adapter.isHeadersSent(response);
    const captured = await this.capture.capture(error, snapshot, {
      replay: () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      replaySafe,
      route,
    });
    this.capture.remember(request, error, captured);
    return captured;
  }
}
