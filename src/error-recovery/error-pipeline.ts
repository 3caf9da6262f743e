import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AiErrorHandlerOptions } from './capture/ai-error-handler-options.interface.js';
import { shouldCaptureError } from './capture/capture-policy.js';
import { CapturedErrors, type CapturedError } from './capture/captured-errors.js';
import type { RequestSnapshot } from './capture/request-snapshot.js';
import type { Classification, ClassifierOptions } from './classify/classification.interface.js';
import { ClassificationCaches, classifyDeferred } from './classify/deferred-classification.js';
import { classifyError, currentDirectory } from './classify/error-classifier.js';
import { ERROR_RECOVERY_OPTIONS } from './error-recovery.constants.js';
import { routeParameters, type ResolvedErrorRecoveryOptions } from './error-recovery-options.js';
import { ErrorRecoveryStats } from './error-recovery.stats.js';
import { isBulkheadRejectedError } from './errors/bulkhead-full.error.js';
import { isCircuitOpenError } from './errors/circuit-open.error.js';
import { isRequestThrottledError } from './errors/request-throttled.error.js';
import { RecoveryEvents } from './events/recovery-events.js';
import { RecoveryExecutor } from './execute/recovery-executor.js';
import { NOT_ATTEMPTED, type RecoveryReport } from './execute/recovery-report.js';
import { draftErrorLog } from './persistence/error-log.draft.js';
import { ErrorLogWriter } from './persistence/error-log.writer.js';
import { planRecovery } from './plan/recovery-planner.js';
import type { RecoveryContext, ReplayOverrides, RequestInfo, RouteInfo } from './strategies/recovery-strategy.interface.js';

export type { CapturedError } from './capture/captured-errors.js';

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

/** Stack shapes whose fingerprint and scrubbed frames are remembered. */
const STACK_SHAPES_KEPT = 1000;

/**
 * The error pipeline: classify → plan → execute → record → emit, shared by the filter, the
 * interceptor and `withRecovery`. On the request path it computes only what the answer needs;
 * recording queues the error, and the writer completes (scrubs, fingerprints) and stores it in its batch.
 */
@Injectable()
export class ErrorPipeline {
  private readonly captured = new CapturedErrors();
  private readonly classifier: ClassifierOptions;
  private readonly caches = new ClassificationCaches(currentDirectory(), STACK_SHAPES_KEPT);

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly writer: ErrorLogWriter,
    private readonly executor: RecoveryExecutor,
    private readonly stats: ErrorRecoveryStats,
    private readonly events: RecoveryEvents,
  ) {
    this.classifier = {
      environment: options.environment,
      severityOverrides: options.severityOverrides,
      maxMessageLength: options.capture.maxMessageLength,
      maxStackLength: options.capture.maxStackLength,
    };
  }

  shouldCapture(error: unknown, route?: AiErrorHandlerOptions): boolean {
    return route?.capture !== false && !isCircuitOpenError(error) && !isRequestThrottledError(error) && !isBulkheadRejectedError(error) && shouldCaptureError(error, this.options.capture.statuses);
  }

  /** The full classification of `error` (scrubbed message and stack, fingerprint), computed now. */
  classify(error: unknown): Classification {
    return classifyError(error, this.classifier);
  }

  async capture(error: unknown, request: RequestSnapshot, input: RecoveryInput): Promise<CapturedError> {
    // 1. classify — what the answer and the plan need now; the rest when first read.
    const classification = classifyDeferred(error, this.classifier, this.caches);
    const id = randomUUID();
    const occurredAt = new Date(this.options.clock.now());
    // 2. plan and 3. execute.
    const report = await this.recover(id, error, classification, input);
    // 4. record: queued; the writer completes and stores it off the request path.
    const resolvedAt = report.success ? new Date(this.options.clock.now()) : null;
    const service = input.routeOptions?.service ?? this.options.service;
    const pending = draftErrorLog({ id, occurredAt, service, environment: this.options.environment, classification, request, report, resolvedAt });
    this.writer.enqueue(pending);
    // A strategy that overran the budget may still act (or has acted): its steps join this error later.
    if (report.late) this.writer.appendLate(id, report.late, 'automatic', report.actions.length);
    // 5. emit: alerts subscribe here; a listener's fault is counted by RecoveryEvents, never reaches the request.
    // The action rows are made when a listener first reads them (or by the writer), not before.
    this.events.emit('error.captured', {
      record: pending.log,
      get actions() {
        return pending.actions;
      },
      report,
    });
    this.stats.captured++;
    if (report.success) this.stats.recovered++;
    return { id, classification, report };
  }

  /** `withRecovery` rethrows `error`, captured as `captured`: the request it reaches takes that capture (once). */
  rethrown(error: unknown, captured: CapturedError): void {
    this.captured.rethrown(error, captured);
  }

  /** The capture `withRecovery` made of this very error object, taken once (see {@link rethrown}). */
  earlier(error: unknown): CapturedError | undefined {
    return this.captured.earlier(error);
  }

  /** Records that a route declined capture of this error (`capture: false`), so the filter won't capture it. */
  decline(request: object, error: unknown): void {
    this.captured.decline(request, error);
  }

  /** Whether the route declined capture of this error. */
  declined(request: object, error: unknown): boolean {
    return this.captured.declined(request, error);
  }

  /** Lets the filter find what the interceptor already did for this request and error. */
  remember(request: object, error: unknown, captured: CapturedError): void {
    this.captured.remember(request, error, captured);
  }

  recall(request: object, error: unknown): CapturedError | undefined {
    return this.captured.recall(request, error);
  }

  /**
   * A request whose handler error was stored (and not recovered), now failing with another error
   * (an app interceptor mapped it): its failure is stored once. The answer is the new error's (the
   * app chose its status) under the stored row's id; undefined when the request has no such capture.
   */
  replaced(request: object, error: unknown): CapturedError | undefined {
    const before = this.captured.failedBefore(request, error);
    if (!before) return undefined;
    const replaced = { id: before.id, classification: classifyDeferred(error, this.classifier, this.caches), report: before.report };
    this.captured.remember(request, error, replaced);
    return replaced;
  }

  /** Plans recovery and runs the plan; a plan none of whose steps can act is reported without running. */
  private async recover(id: string, error: unknown, classification: Classification, input: RecoveryInput): Promise<RecoveryReport> {
    if (!this.options.recoveryEnabled || input.routeOptions?.recovery === false) return NOT_ATTEMPTED;
    try {
      const plan = planRecovery({ classification, routeStrategies: input.routeOptions?.strategies, mapOverrides: this.options.strategyMap });
      const context: Omit<RecoveryContext, 'budget'> = {
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
      };
      return this.executor.withoutRunning(plan, context) ?? (await this.executor.run(plan, context));
    } catch (fault) {
      this.stats.fault('recovery', fault);
      return NOT_ATTEMPTED;
    }
  }
}
