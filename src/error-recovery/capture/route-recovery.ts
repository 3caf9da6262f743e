import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';
import { BulkheadRegistry } from '../state/bulkhead.registry.js';
import { CircuitBreakerRegistry, type BreakerCall } from '../state/circuit-breaker.registry.js';
import type { BulkheadSlot, ReplayOverrides } from '../strategies/recovery-strategy.interface.js';
import { breakerOutcome } from './breaker-outcome.js';
import { ErrorCaptureService, type CapturedError } from './error-capture.service.js';
import type { ResponseArgument, RouteHandler } from './handler-wrapping.js';
import { RouteGates } from './route-gates.js';
import { RouteResolver, type HandlerRoutes, type RouteSetup } from './route-resolver.js';
import { captureHandlerError, type HandlerCall } from './handler-error.js';
import { SelfReplay } from './self-replay.js';
import { replayTimeout, withTimeout } from './with-timeout.js';
import { isThenable, withinRouteTimeout } from './within-route-timeout.js';

/**
 * The request path of a wrapped route handler. A healthy route with no gate costs a few field reads
 * and the handler's own call: its value (or promise, or Observable) goes back to Nest untouched.
 * A handler that throws, or whose promise rejects, is recovered with the handler and its arguments
 * in hand (a recovered answer carries `X-Error-Id` and `X-Recovery`); otherwise the original error
 * goes on to the exception filters. Routes with a gate (throttle, breaker state, timeout, bulkhead,
 * stale keeping) take the gated path.
 */
@Injectable()
export class RouteRecovery {
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

  /** The wrapper of `original`, bound to this app's services and to `h`. */
  wrapper(original: RouteHandler, h: HandlerRoutes, response: ResponseArgument): RouteHandler {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper's own `this` is the controller
    const recovery = this;
    return function wrappedRouteHandler(this: unknown, ...args: unknown[]): unknown {
      const call: HandlerCall = { instance: this, original, args, response: args[response.index], h };
      // The handler sees exactly the arguments it declared (rest parameters, `arguments.length`).
      if (response.added) args.length = response.index;
      if (h.declared || h.hotUntil !== 0 || recovery.gates.anyActive) return recovery.gated(call);
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        return recovery.recover(error, call, null, undefined, undefined);
      }
      // A plain value or an Observable passes through untouched; an Observable's error reaches the filter.
      return isThenable(result) ? Promise.resolve(result).then(undefined, (error: unknown) => recovery.recover(error, call, null, undefined, undefined)) : result;
    };
  }

  /** A request on a route where a gate is declared or may be active. */
  private async gated(call: HandlerCall): Promise<unknown> {
    const request = requestOf(call.response);
    if (!request) return call.original.apply(call.instance, call.args);
    let setup: RouteSetup;
    let admission: ReturnType<RouteGates['admit']>;
    try {
      setup = this.routes.resolve(call.h, request);
      admission = this.gates.admit(call.h, request, setup);
    } catch (fault) {
      // A broken gate (e.g. a shared breaker store that is down) must not fail a healthy request.
      this.stats.fault('interceptor', fault);
      return this.plain(call);
    }
    if (admission.kind === 'refuse') throw admission.error;
    if (admission.kind === 'fallback') {
      const answer = await this.gates.answerOpen(call.h, request, setup, admission.open, admission.staleKey);
      this.setHeaders(call.response, answer.headers);
      return answer.value;
    }
    const { staleKey, timeoutMs, breaker } = admission;
    const bulkhead = setup.options?.bulkhead;
    // Waiting for a slot is bounded like the handler itself (30 s for routes without a timeout).
    const held = bulkhead ? this.bulkheads.slot(setup.route.key, bulkhead, this.gates.priorityOf(request, bulkhead.priority), timeoutMs || 30_000) : undefined;
    try {
      if (held) await held.acquire();
      this.countForBudget(call.h, setup);
      let value: unknown;
      try {
        value = await withinRouteTimeout(() => call.original.apply(call.instance, call.args), timeoutMs, this.options.clock);
      } catch (error) {
        return await this.recover(error, call, breaker, held?.slot, setup);
      }
      // An Observable answers later: the route timeout bounds its first value (as before the wrapper).
      if (timeoutMs > 0 && isObservable(value)) value = withTimeout(value, timeoutMs);
      if (staleKey) this.guarded(() => this.gates.keep(staleKey, value, setup));
      if (breaker) this.guarded(() => this.breakers.settle(breaker, 'success'));
      return value;
    } finally {
      held?.release();
      // Whatever ended the request without an outcome (the bulkhead refused it after the breaker let
      // it through) gives a probe's slot back; without this a half-open breaker would wait forever.
      if (breaker) this.guarded(() => this.breakers.release(breaker));
    }
  }

  /** The handler alone, recovered on error: the path of a request whose gates could not be read. */
  private plain(call: HandlerCall): Promise<unknown> {
    return withinRouteTimeout(() => call.original.apply(call.instance, call.args), 0, this.options.clock).catch((error: unknown) =>
      this.recover(error, call, null, undefined, undefined),
    );
  }

  /**
   * A failed handler run: capture and recovery, then the breaker's count. Resolves with the
   * recovered answer (headers set) or rejects with the original error for the filters.
   */
  private async recover(error: unknown, call: HandlerCall, admitted: BreakerCall | null, slot: BulkheadSlot | undefined, known: RouteSetup | undefined): Promise<unknown> {
    const request = requestOf(call.response);
    // Called outside an HTTP request (a test calling the controller method): the handler's own error.
    if (!request) throw error;
    let captured: CapturedError | undefined;
    let breaker = admitted;
    try {
      const setup = known ?? this.routes.resolve(call.h, request);
      if (!known) this.countForBudget(call.h, setup, true);
      this.heat(call.h, setup);
      // A breaker with no state was not consulted: this failure is what may create its state.
      breaker ??= setup.breaker ? this.breakers.unadmitted(setup.breaker) : null;
      if (breaker) this.breakers.attach(request, breaker);
      captured = await captureHandlerError(error, call, request, setup, slot, {
        capture: this.capture,
        gates: this.gates,
        selfReplay: this.selfReplay,
        adapter: this.adapterHost.httpAdapter,
        options: this.options,
        replay: (overrides) => this.replay(call, setup, overrides),
      });
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    } finally {
      // A run the route timeout left behind and no strategy took is dropped now: bounded, no leak.
      if (isRouteTimeoutError(error)) error.release();
    }
    // Counted once recovery is over, so a failure a retry got past is not one; a no-op when the
    // circuit_break strategy already counted this request.
    const counted = breaker;
    if (counted) this.guarded(() => this.breakers.settle(counted, breakerOutcome(error, captured)));
    if (!captured?.report.success) throw error;
    this.setHeaders(call.response, { 'X-Error-Id': captured.id, 'X-Recovery': captured.report.resolvedBy ?? 'unknown', ...captured.report.headers });
    return captured.report.result;
  }

  /** The handler run again with the same `this` and arguments (pipes are not run again). */
  private async replay(call: HandlerCall, setup: RouteSetup, overrides: ReplayOverrides | undefined): Promise<unknown> {
    const value = await withinRouteTimeout(() => call.original.apply(call.instance, call.args), replayTimeout(overrides, this.gates.timeoutFor(setup)), this.options.clock);
    return isObservable(value) ? lastValueFrom(value, { defaultValue: undefined }) : value;
  }

  /**
   * Counts a request of a "hot" route (one that failed within the retry budget's window) for the
   * budget; `failing`: the request that makes it hot, counted when it was not yet.
   */
  private countForBudget(h: HandlerRoutes, setup: RouteSetup, failing = false): void {
    if (h.hotUntil === 0 && !failing) return;
    try {
      const now = this.options.clock.now();
      if (!failing && now >= h.hotUntil) {
        h.hotUntil = 0;
        return;
      }
      if (failing && h.hotUntil > now) return;
      setup.route.retryBudget?.recordRequest(now);
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    }
  }

  /** The route failed: its requests count for the retry budget for one budget window from now. */
  private heat(h: HandlerRoutes, setup: RouteSetup): void {
    const windowMs = setup.route.retryBudget?.windowMs ?? this.options.retry.budgetWindowMs;
    h.hotUntil = this.options.clock.now() + windowMs;
  }

  /** Runs bookkeeping of the success path; a fault there is counted, never thrown into the response. */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (fault) {
      this.stats.fault('interceptor', fault);
    }
  }

  private setHeaders(response: unknown, headers: Record<string, string>): void {
    const adapter = this.adapterHost.httpAdapter;
    if (response === undefined || adapter.isHeadersSent(response)) return;
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
  }
}

/** The request of a response: Express `res.req`, Fastify `reply.request`. */
export function requestOf(response: unknown): (object & { method?: string }) | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const r = response as { req?: unknown; request?: unknown };
  const request = r.request ?? r.req;
  return typeof request === 'object' && request !== null ? request : undefined;
}
