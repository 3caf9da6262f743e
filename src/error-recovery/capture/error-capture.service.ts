import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Classification } from '../classify/classification.interface.js';
import { classifyError } from '../classify/error-classifier.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import { isCircuitOpenError } from '../errors/circuit-open.error.js';
import { isRequestThrottledError } from '../errors/request-throttled.error.js';
import { isBulkheadRejectedError } from '../errors/bulkhead-full.error.js';
import { routeParameters, type ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { RecoveryEvents } from '../events/recovery-events.js';
import { RecoveryExecutor } from '../execute/recovery-executor.js';
import { NOT_ATTEMPTED, type RecoveryReport } from '../execute/recovery-report.js';
import type { PendingErrorLog } from '../persistence/error-log.record.js';
import { ErrorLogWriter } from '../persistence/error-log.writer.js';
import { toActionRecords } from '../persistence/recovery-action.records.js';
import { planRecovery } from '../plan/recovery-planner.js';
import type { RecoveryContext, ReplayOverrides, RequestInfo, RouteInfo } from '../strategies/recovery-strategy.interface.js';
import type { AiErrorHandlerOptions } from './ai-error-handler-options.interface.js';
import { shouldCaptureError } from './capture-policy.js';
import type { RequestSnapshot } from './request-snapshot.js';

/** A captured error: its id, how it was classified and what recovery did. */
export interface CapturedError {
  id: string;
  classification: Classification;
  report: RecoveryReport;
}

/** How the error may be recovered: the handler to re-run (when in hand) and the route's settings. */
export interface RecoveryInput {
  replay?: (overrides?: ReplayOverrides) => Promise<unknown>;
  replaySafe: boolean;
  routeOptions?: AiErrorHandlerOptions;
  route?: RouteInfo;
  request?: RequestInfo;
  controller?: RecoveryContext['controller'];
  slot?: RecoveryContext['slot'];
}

/**
 * capture → classify → plan → execute → record, shared by the filter, the interceptor and
 * `withRecovery`. Recording only enqueues; the writer stores the row off the request path.
 */
@Injectable()
export class ErrorCaptureService {
  private readonly handled = new WeakMap<object, { error: unknown; captured: CapturedError | 'declined' }>();
  /**
   * Errors `withRecovery` captured and rethrew, so the request they reach does not capture them again.
   * Set only there and taken once: an error object thrown by many requests (a module-level constant)
   * must never lead one request to another's capture — or to its recovered answer.
   */
  private readonly byError = new WeakMap<object, CapturedError>();

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly writer: ErrorLogWriter,
    private readonly executor: RecoveryExecutor,
    private readonly stats: ErrorRecoveryStats,
    private readonly events: RecoveryEvents,
  ) {}

  shouldCapture(error: unknown, route?: AiErrorHandlerOptions): boolean {
    return route?.capture !== false && !isCircuitOpenError(error) && !isRequestThrottledError(error) && !isBulkheadRejectedError(error) && shouldCaptureError(error, this.options.capture.statuses);
  }

  classify(error: unknown): Classification {
    return classifyError(error, {
      environment: this.options.environment,
      severityOverrides: this.options.severityOverrides,
      maxMessageLength: this.options.capture.maxMessageLength,
      maxStackLength: this.options.capture.maxStackLength,
    });
  }

  async capture(error: unknown, request: RequestSnapshot, input: RecoveryInput): Promise<CapturedError> {
    const classification = this.classify(error);
    const id = randomUUID();
    const occurredAt = new Date(this.options.clock.now());
    let report = NOT_ATTEMPTED;
    if (this.options.recoveryEnabled && input.routeOptions?.recovery !== false) {
      try {
        report = await this.executor.run(
          planRecovery({ classification, routeStrategies: input.routeOptions?.strategies, mapOverrides: this.options.strategyMap }),
          {
            errorId: id,
            error,
            classification,
            trigger: 'automatic',
            replay: input.replay,
            replaySafe: input.replaySafe,
            route: input.route,
            routeOptions: input.routeOptions,
            request: input.request,
            controller: input.controller,
            slot: input.slot,
            retry: { ...this.options.retry, ...input.routeOptions?.retry },
            parameters: routeParameters(this.options.parameters, input.routeOptions?.parameters),
            clock: this.options.clock,
            classify: (e) => this.classify(e),
          },
        );
      } catch (fault) {
        this.stats.fault('recovery', fault);
      }
    }
    const pending = this.toPending(id, occurredAt, classification, report, request, input.routeOptions?.service);
    this.writer.enqueue(pending);
    // A strategy that overran the budget may still act (or has acted): its steps join this error later.
    if (report.late) this.writer.appendLate(id, report.late, 'automatic', report.actions.length);
    // Alerts subscribe here; a listener's fault is logged by RecoveryEvents and never reaches the request.
    this.events.emit('error.captured', { record: pending.log, actions: pending.actions, report });
    this.stats.captured++;
    if (report.success) this.stats.recovered++;
    return { id, classification, report };
  }

  /** `withRecovery` rethrows `error`, captured as `captured`: the request it reaches takes that capture (once). */
  rethrown(error: unknown, captured: CapturedError): void {
    if (typeof error === 'object' && error !== null) this.byError.set(error, captured);
  }

  /** The capture `withRecovery` made of this very error object, taken once (see {@link rethrown}). */
  earlier(error: unknown): CapturedError | undefined {
    if (typeof error !== 'object' || error === null) return undefined;
    const captured = this.byError.get(error);
    if (captured) this.byError.delete(error);
    return captured;
  }

  /** Records that a route declined capture of this error (`capture: false`), so the filter won't capture it. */
  decline(request: object, error: unknown): void {
    this.handled.set(request, { error, captured: 'declined' });
  }

  /** Whether the route declined capture of this error. */
  declined(request: object, error: unknown): boolean {
    const entry = this.handled.get(request);
    return entry !== undefined && entry.error === error && entry.captured === 'declined';
  }

  /** Lets the filter find what the interceptor already did for this request and error. */
  remember(request: object, error: unknown, captured: CapturedError): void {
    this.handled.set(request, { error, captured });
  }

  recall(request: object, error: unknown): CapturedError | undefined {
    const entry = this.handled.get(request);
    if (entry && entry.error === error && entry.captured !== 'declined') return entry.captured;
    return this.earlier(error);
  }

  private toPending(
    id: string,
    occurredAt: Date,
    c: Classification,
    report: RecoveryReport,
    request: RequestSnapshot,
    service: string | undefined,
  ): PendingErrorLog {
    return {
      log: {
        id,
        occurredAt,
        service: service ?? this.options.service,
        environment: this.options.environment,
        errorType: c.errorType,
        category: c.category,
        severity: c.severity,
        httpStatus: c.httpStatus,
        transient: c.transient,
        message: c.message,
        stack: c.stack ?? null,
        fingerprint: c.fingerprint,
        method: request.method,
        route: request.route,
        path: request.path,
        requestId: request.requestId,
        context: request.context,
        resolved: report.success,
        resolvedAt: report.success ? new Date(this.options.clock.now()) : null,
        recoveryAttempted: report.attempted,
        recoverySuccess: report.attempted ? report.success : null,
        recoveryStrategy: report.resolvedBy,
      },
      actions: toActionRecords(id, report.actions, 'automatic'),
    };
  }
}
