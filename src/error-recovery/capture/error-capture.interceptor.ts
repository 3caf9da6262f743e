import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { catchError, defer, finalize, lastValueFrom, mergeMap, tap, throwError, type Observable } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { CircuitBreakerRegistry, type BreakerCall } from '../state/circuit-breaker.registry.js';
import { BulkheadRegistry } from '../state/bulkhead.registry.js';
import type { BulkheadSlot, ReplayOverrides } from '../strategies/recovery-strategy.interface.js';
import { breakerOutcome } from './breaker-outcome.js';
import { isReplaySafe } from './capture-policy.js';
import { ErrorCaptureService, type CapturedError } from './error-capture.service.js';
import { snapshotRequest } from './request-snapshot.js';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';
import { replayTimeout, withTimeout } from './with-timeout.js';
import { RouteGates, type Admission } from './route-gates.js';
import { SelfReplay } from './self-replay.js';
import { RouteResolver, type RouteSetup } from './route-resolver.js';

/** Requests an instance of this interceptor already wraps (global and `@AiErrorHandler()` both apply). */
const claimed = new WeakSet<object>();


/**
 * Captures errors of route handlers with the handler in hand, so recovery can run it again.
 * Before the handler it applies what recovery put in place (throttle, breaker, raised timeout);
 * after a GET it may keep the response for the fallback strategy. When recovery serves the request
 * the client gets the handler's normal response with `X-Error-Id` and `X-Recovery`; otherwise the
 * original error goes on to the exception filters.
 */
@Injectable()
export class ErrorCaptureInterceptor implements NestInterceptor {
  constructor(
    private readonly capture: ErrorCaptureService,
    private readonly routes: RouteResolver,
    private readonly gates: RouteGates,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly bulkheads: BulkheadRegistry,
    private readonly selfReplay: SelfReplay,
    private readonly adapterHost: HttpAdapterHost,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ method?: string }>();
    if (claimed.has(request)) return next.handle();
    claimed.add(request);
    let setup: RouteSetup;
    let admission: Admission;
    try {
      setup = this.routes.resolve(context, request);
      admission = this.gates.admit(context, request, setup);
    } catch (fault) {
      // A broken gate (e.g. a shared breaker store that is down) must not fail a healthy request.
      this.stats.fault('interceptor', fault);
      return next.handle();
    }
    if (admission.kind === 'refuse') return throwError(() => admission.error);
    if (admission.kind === 'fallback') {
      return defer(async () => {
        const answer = await this.gates.answerOpen(context, request, setup, admission.open, admission.staleKey);
        this.setHeaders(context, answer.headers);
        return answer.value;
      });
    }
    const { staleKey, timeoutMs, breaker } = admission;
    const run = (slot?: BulkheadSlot): Observable<unknown> => {
      // The retry budget's denominator: requests that reach the handler (past the bulkhead, whose
      // refusals under overload would otherwise enlarge the budget exactly when it must be tight).
      try {
        setup.route.retryBudget?.recordRequest(this.options.clock.now());
      } catch (fault) {
        this.stats.fault('interceptor', fault);
      }
      return withTimeout(next.handle(), timeoutMs, { handOver: true, clock: this.options.clock }).pipe(
        tap({
          next: (value) => staleKey && this.guarded(() => this.gates.keep(staleKey, value, setup)),
          complete: () => breaker && this.guarded(() => this.breakers.settle(breaker, 'success')),
        }),
        catchError((error: unknown) => defer(() => this.recover(error, context, next, setup, breaker, slot))),
      );
    };
    const bulkhead = setup.options?.bulkhead;
    // Whatever ends the request without an outcome (the bulkhead refused it after the breaker let
    // it through, the client went away and the observable was unsubscribed) gives a probe's slot
    // back; without this a half-open breaker would wait for a probe that never reports.
    const released = (source: Observable<unknown>): Observable<unknown> =>
      breaker ? source.pipe(finalize(() => this.guarded(() => this.breakers.release(breaker)))) : source;
    if (!bulkhead) return released(run());
    // Only routes that declare a bulkhead pay for waiting on a slot.
    // Waiting for a slot is bounded like the handler itself (30 s for routes without a timeout).
    const held = this.bulkheads.slot(setup.route.key, bulkhead, this.gates.priorityOf(request, bulkhead.priority), timeoutMs || 30_000);
    return released(
      defer(() => held.acquire()).pipe(
        mergeMap(() => run(held.slot)),
        finalize(() => held.release()),
      ),
    );
  }

  private async recover(
    error: unknown,
    context: ExecutionContext,
    next: CallHandler,
    setup: RouteSetup,
    breaker: BreakerCall | null,
    slot?: BulkheadSlot,
  ): Promise<unknown> {
    let captured: CapturedError | undefined;
    try {
      if (breaker) this.breakers.attach(context.switchToHttp().getRequest<object>(), breaker);
      captured = await this.captureError(error, context, next, setup, slot);
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    } finally {
      // A run the route timeout left behind and no strategy took is dropped now: bounded, no leak.
      if (isRouteTimeoutError(error)) error.release();
    }
    // Counted once recovery is over, so a failure a retry got past is not one; a no-op when the
    // circuit_break strategy already counted this request.
    if (breaker) this.guarded(() => this.breakers.settle(breaker, breakerOutcome(error, captured)));
    if (!captured?.report.success) throw error;
    this.setHeaders(context, { 'X-Error-Id': captured.id, 'X-Recovery': captured.report.resolvedBy ?? 'unknown', ...captured.report.headers });
    return captured.report.result;
  }

  /** Runs bookkeeping of the success path; a fault there is counted, never thrown into the response. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    }
  }

  private setHeaders(context: ExecutionContext, headers: Record<string, string>): void {
    const response = context.switchToHttp().getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return;
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
  }

  private async captureError(
    error: unknown,
    context: ExecutionContext,
    next: CallHandler,
    setup: RouteSetup,
    slot: BulkheadSlot | undefined,
  ): Promise<CapturedError | undefined> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ originalUrl?: string; url?: string; body?: unknown; headers?: Record<string, unknown> }>();
    // Captured already (withRecovery inside the handler): one row, no second round of retries.
    const earlier = this.capture.earlier(error);
    if (earlier) {
      this.capture.remember(request, error, earlier);
      return earlier;
    }
    if (setup.options?.capture === false) {
      this.capture.decline(request, error);
      return undefined;
    }
    if (!this.capture.shouldCapture(error, setup.options) || this.selfReplay.isReplay(request)) return undefined;
    const response = http.getResponse<unknown>();
    const snapshot = snapshotRequest(request, this.options.capture);
    const adapter = this.adapterHost.httpAdapter;
    const replaySafe =
      isReplaySafe(snapshot.method, snapshot.headers, setup.options?.replaySafe) && !adapter.isHeadersSent(response);
    const replay = (overrides?: ReplayOverrides): Promise<unknown> =>
      lastValueFrom(withTimeout(next.handle(), replayTimeout(overrides, this.gates.timeoutFor(setup))), { defaultValue: undefined });
    const captured = await this.capture.capture(error, snapshot, {
      replay,
      replaySafe,
      routeOptions: setup.options,
      route: setup.route,
      controller: context.getClass(),
      slot,
      request: {
        raw: request,
        method: setup.route.method,
        url: request.originalUrl ?? request.url ?? '',
        headers: snapshot.headers,
        body: request.body,
        client: this.gates.clientOf(request),
      },
    });
    this.capture.remember(request, error, captured);
    return captured;
  }
}
