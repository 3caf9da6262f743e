import { Catch, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../classify/error-tables.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { isCircuitOpenError } from '../errors/circuit-open.error.js';
import { isRequestThrottledError } from '../errors/request-throttled.error.js';
import { isBulkheadRejectedError } from '../errors/bulkhead-full.error.js';
import { buildErrorBody, refusalBody, type ErrorResponseBody } from './error-response.js';
import { ErrorPipeline, type CapturedError } from '../error-pipeline.js';
import { NO_REQUEST, snapshotRequest } from './request-snapshot.js';
import { SelfReplay } from './self-replay.js';
import { readProp } from '../common/safe-read.js';
import { CONTEXT_ANSWERS, type ContextAnswer } from './operation-integration.js';

/** What plain Nest's RPC filter answers: an RpcException's own error, else a generic one (no internals). */
function rpcError(exception: unknown): unknown {
  const getError = readProp(exception, 'getError');
  return typeof getError === 'function' ? (getError as () => unknown).call(exception) : { status: 'error', message: 'Internal server error' };
}

/** What plain Nest answers to an unknown error; the filter's last resort. */
const LAST_RESORT_BODY = Object.freeze({ statusCode: 500, message: 'Internal server error' });

/**
 * Answers every error that reaches the global filter layer. Errors of middleware, guards and pipes
 * are captured here (the route wrapper never sees them); handler errors arrive already captured by
 * the route wrapper. Errors that are not captured (ordinary 4xx) are answered exactly as plain Nest
 * would. Filters of the app's own, bound to a controller or handler, run instead of this one.
 */
@Catch()
@Injectable()
export class ErrorCaptureFilter implements ExceptionFilter {
  private plainNest?: BaseExceptionFilter;
  private readonly answers: ReadonlyMap<string, ContextAnswer>;

  constructor(
    private readonly capture: ErrorPipeline,
    private readonly adapterHost: HttpAdapterHost,
    private readonly stats: ErrorRecoveryStats,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly selfReplay: SelfReplay,
    @Inject(CONTEXT_ANSWERS) answers: ContextAnswer[],
  ) {
    this.answers = new Map(answers.map((a) => [a.type, a]));
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const type = host.getType();
    if (type !== 'http') return this.answerOther(type, exception, host);
    // respond() is async: whatever it throws, synchronously or not, arrives here as a rejection.
    this.respond(exception, host).catch((fault: unknown) => {
      this.stats.fault('filter', fault);
      this.answerAsNest(exception, host);
    });
    return undefined;
  }

  /**
   * An error of a GraphQL resolver, a message handler or a gateway: captured once (a wrapper of the
   * module may have captured it already), answered in that protocol by its context's answer. A host
   * type without one: stored, and answered as that transport's own filter would.
   */
  private answerOther(type: string, exception: unknown, host: ArgumentsHost): unknown {
    const answer = this.answers.get(type);
    const earlier = this.capture.earlier(exception) ?? this.handedOnBy(answer, exception);
    let captured: Promise<CapturedError | undefined>;
    if (earlier) captured = Promise.resolve(earlier);
    else if (!this.capture.shouldCapture(exception) || this.declinedBy(answer, host, exception)) captured = Promise.resolve(undefined);
    else {
      captured = (async () => this.capture.capture(exception, answer ? answer.snapshot(host, exception) : { ...NO_REQUEST, contextType: type === 'ws' ? 'ws' : type === 'graphql' ? 'graphql' : 'rpc' }, { replaySafe: false }))().catch((fault: unknown) => {
        this.stats.fault('filter', fault);
        return undefined;
      });
    }
    if (answer) {
      try {
        return answer.answer(exception, host, captured);
      } catch (fault) {
        this.stats.fault('filter', fault);
      }
    }
    return type === 'rpc' ? throwError(() => rpcError(exception)) : exception;
  }

  /** Client body for a captured error. Override to change its shape. */
  protected toResponse(captured: CapturedError): ErrorResponseBody {
    return buildErrorBody(captured.id, captured.classification, captured.report, this.options.exposeDetails);
  }

  private async respond(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    if (isCircuitOpenError(exception)) return this.refuse(http.getResponse<unknown>(), 503, exception.retryAfterMs, refusalBody('ServiceUnavailableError', 'high', 'Circuit breaker open: failing fast'));
    if (isBulkheadRejectedError(exception)) return this.refuse(http.getResponse<unknown>(), 503, 1000, refusalBody('ServiceUnavailableError', 'high', 'Route at capacity: queue full'));
    if (isRequestThrottledError(exception)) return this.refuse(http.getResponse<unknown>(), 429, exception.retryAfterMs, refusalBody('RateLimitError', 'low', 'Request throttled while the route recovers'));
    const request = http.getRequest<object>();
    if (this.capture.declined(request, exception)) return this.answerAsNest(exception, host);
    let captured = this.capture.recall(request, exception);
    if (!captured) {
      if (!this.capture.shouldCapture(exception) || this.selfReplay.isReplay(request)) return this.answerAsNest(exception, host);
      captured = this.capture.replaced(request, exception) ?? (await this.capture.capture(exception, snapshotRequest(request, this.options.capture), { replaySafe: false }));
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

  /**
   * A refusal by an effect of recovery (open breaker, throttle): the standard body with Retry-After
   * and no row — a storm of refusals must not become a storm of rows; the breaker/throttle counts them.
   */
  private refuse(response: unknown, status: number, retryAfterMs: number, body: ErrorResponseBody): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return void adapter.end(response);
    adapter.setHeader(response, 'Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    adapter.reply(response, body, status);
  }

  /** The capture a wrapper of the context handed on with this error (see {@link ContextAnswer.earlier}). */
  private handedOnBy(answer: ContextAnswer | undefined, exception: unknown): CapturedError | undefined {
    try {
      return answer?.earlier?.(exception);
    } catch (fault) {
      this.stats.fault('filter', fault);
      return undefined;
    }
  }

  /** Whether the context's answer keeps this error out of storage (see {@link ContextAnswer.captures}). */
  private declinedBy(answer: ContextAnswer | undefined, host: ArgumentsHost, exception: unknown): boolean {
    try {
      return answer?.captures?.(host, exception) === false;
    } catch (fault) {
      this.stats.fault('filter', fault);
      return false;
    }
  }

  /** Plain Nest's answer; when even that throws (a hostile value), the last resort. Never throws. */
  private answerAsNest(exception: unknown, host: ArgumentsHost): void {
    try {
      this.plainNest ??= new BaseExceptionFilter(this.adapterHost.httpAdapter);
      this.plainNest.catch(exception, host);
    } catch (fault) {
      this.stats.fault('filter', fault);
      this.lastResort(host);
    }
  }

  /**
   * Every request gets an answer: plain Nest's 500 body, fixed, written through the adapter with
   * nothing read from the thrown value (a Proxy whose every trap throws breaks any read, and plain
   * Nest's own filter with it). When something was already sent, the response is ended instead.
   */
  private lastResort(host: ArgumentsHost): void {
    try {
      const response = host.switchToHttp().getResponse<unknown>();
      const adapter = this.adapterHost.httpAdapter;
      if (adapter.isHeadersSent(response)) adapter.end(response);
      else adapter.reply(response, { ...LAST_RESORT_BODY }, LAST_RESORT_BODY.statusCode);
    } catch (fault) {
      this.stats.fault('filter', fault);
    }
  }
}
