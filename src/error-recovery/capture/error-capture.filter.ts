import { Catch, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../classify/error-tables.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { isCircuitOpenError, type CircuitOpenError } from '../errors/circuit-open.error.js';
import { buildErrorBody, circuitOpenBody, type ErrorResponseBody } from './error-response.js';
import { ErrorCaptureService, type CapturedError } from './error-capture.service.js';
import { NO_REQUEST, snapshotRequest } from './request-snapshot.js';

/**
 * Answers every error that reaches the global filter layer. Errors of middleware, guards and pipes
 * are captured here (the interceptor never sees them); handler errors arrive already captured by
 * the interceptor. Errors that are not captured (ordinary 4xx) are answered exactly as plain Nest
 * would. Filters of the app's own, bound to a controller or handler, run instead of this one.
 */
@Catch()
@Injectable()
export class ErrorCaptureFilter implements ExceptionFilter {
  private plainNest?: BaseExceptionFilter;

  constructor(
    private readonly capture: ErrorCaptureService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') {
      // RPC and WebSocket errors are stored, and left to those transports' own handling.
      if (this.capture.shouldCapture(exception)) {
        void this.capture.capture(exception, NO_REQUEST, { replaySafe: false }).catch((e) => this.stats.fault('filter', e));
      }
      return host.getType() === 'rpc' ? throwError(() => exception) : undefined;
    }
    this.respond(exception, host).catch((fault: unknown) => {
      this.stats.fault('filter', fault);
      try {
        this.answerAsNest(exception, host);
      } catch (last) {
        this.stats.fault('filter', last);
      }
    });
    return undefined;
  }

  /** Client body for a captured error. Override to change its shape. */
  protected toResponse(captured: CapturedError): ErrorResponseBody {
    return buildErrorBody(captured.id, captured.classification, captured.report, this.options.exposeDetails);
  }

  private async respond(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    if (isCircuitOpenError(exception)) return this.failFast(exception, http.getResponse<unknown>());
    const request = http.getRequest<object>();
    let captured = this.capture.recall(request, exception);
    if (!captured) {
      if (!this.capture.shouldCapture(exception)) return this.answerAsNest(exception, host);
      const snapshot = snapshotRequest(request, this.options.capture);
      captured = await this.capture.capture(exception, snapshot, { replaySafe: false });
    }
    const response = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    const { httpStatus, retryAfterSeconds } = captured.classification;
    adapter.setHeader(response, 'X-Error-Id', captured.id);
    if (httpStatus === 503 || httpStatus === 429) {
      adapter.setHeader(response, 'Retry-After', String(retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS));
    }
    adapter.reply(response, this.toResponse(captured), httpStatus);
  }

  /** An open breaker's refusal: the standard body, 503 + Retry-After, no row (the breaker counts it). */
  private failFast(error: CircuitOpenError, response: unknown): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return void adapter.end(response);
    adapter.setHeader(response, 'Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    adapter.reply(response, circuitOpenBody(), 503);
  }

  private answerAsNest(exception: unknown, host: ArgumentsHost): void {
    this.plainNest ??= new BaseExceptionFilter(this.adapterHost.httpAdapter);
    this.plainNest.catch(exception, host);
  }
}
