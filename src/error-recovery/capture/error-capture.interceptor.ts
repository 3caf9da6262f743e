import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { catchError, defer, lastValueFrom, tap, throwError, type Observable } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { CircuitOpenError } from '../errors/circuit-open.error.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import { isReplaySafe } from './capture-policy.js';
import { ErrorCaptureService, type CapturedError } from './error-capture.service.js';
import { snapshotRequest } from './request-snapshot.js';
import { RouteResolver, type RouteSetup } from './route-resolver.js';

/** Requests an instance of this interceptor already wraps (global and `@AiErrorHandler()` both apply). */
const claimed = new WeakSet<object>();

/**
 * Captures errors of route handlers with the handler in hand, so recovery can run it again, and
 * consults the route's circuit breaker first (an open breaker fails fast without running the
 * handler). The success path adds a breaker lookup and two rxjs operators. When recovery serves
 * the request the client gets the handler's normal response with `X-Error-Id` and `X-Recovery`;
 * otherwise the original error goes on to the exception filters.
 */
@Injectable()
export class ErrorCaptureInterceptor implements NestInterceptor {
  constructor(
    private readonly capture: ErrorCaptureService,
    private readonly routes: RouteResolver,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly adapterHost: HttpAdapterHost,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ method?: string }>();
    if (claimed.has(request)) return next.handle();
    claimed.add(request);
    const setup = this.routes.resolve(context, request);
    const breaker = setup.breaker;
    if (breaker) {
      const decision = this.breakers.admit(breaker);
      if (!decision.allow) return throwError(() => new CircuitOpenError(breaker, decision.retryAfterMs));
    }
    return next.handle().pipe(
      tap({ complete: () => breaker && this.breakers.recordSuccess(breaker) }),
      catchError((error: unknown) => defer(() => this.recover(error, context, next, setup))),
    );
  }

  private async recover(error: unknown, context: ExecutionContext, next: CallHandler, setup: RouteSetup): Promise<unknown> {
    let captured: CapturedError | undefined;
    try {
      captured = await this.captureError(error, context, next, setup);
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    }
    if (setup.breaker) {
      // Only a dependency failing (a transient error) counts against the breaker; a bug or a
      // client error is an answer from a working dependency, so it also ends a half-open probe.
      if (captured?.classification.transient && !captured.report.success) this.breakers.recordFailure(setup.breaker);
      else this.breakers.recordSuccess(setup.breaker);
    }
    if (!captured?.report.success) throw error;
    const response = context.switchToHttp().getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter.isHeadersSent(response)) {
      adapter.setHeader(response, 'X-Error-Id', captured.id);
      adapter.setHeader(response, 'X-Recovery', captured.report.resolvedBy ?? 'unknown');
      for (const [name, value] of Object.entries(captured.report.headers ?? {})) adapter.setHeader(response, name, value);
    }
    return captured.report.result;
  }

  private async captureError(
    error: unknown,
    context: ExecutionContext,
    next: CallHandler,
    setup: RouteSetup,
  ): Promise<CapturedError | undefined> {
    if (!this.capture.shouldCapture(error, setup.options)) return undefined;
    const http = context.switchToHttp();
    const request = http.getRequest<object>();
    const response = http.getResponse<unknown>();
    const snapshot = snapshotRequest(request, this.options.capture);
    const adapter = this.adapterHost.httpAdapter;
    const replaySafe =
      isReplaySafe(snapshot.method, snapshot.headers, setup.options?.replaySafe) && !adapter.isHeadersSent(response);
    const captured = await this.capture.capture(error, snapshot, {
      replay: () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      replaySafe,
      routeOptions: setup.options,
      route: setup.route,
    });
    this.capture.remember(request, error, captured);
    return captured;
  }
}
