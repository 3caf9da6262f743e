import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { catchError, finalize, from, isObservable, lastValueFrom, tap, type Observable } from 'rxjs';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';
import { BulkheadRegistry } from '../state/bulkhead.registry.js';
import { CircuitBreakerRegistry, type BreakerCall } from '../state/circuit-breaker.registry.js';
import type { BulkheadSlot, ReplayOverrides } from '../strategies/recovery-strategy.interface.js';
import { breakerOutcome } from './breaker-outcome.js';
import { ErrorPipeline } from '../error-pipeline.js';
import type { CapturedError } from './captured-errors.js';
import type { ResponseArgument, RouteHandler } from './handler-wrapping.js';
import { RouteGates, type Admission } from './route-gates.js';
import { RouteResolver, type HandlerRoutes, type RouteSetup } from './route-resolver.js';
import { captureHandlerError, type HandlerCall } from './handler-error.js';
import { SelfReplay } from './self-replay.js';
import { replayTimeout, withTimeout } from './with-timeout.js';
import { isThenable } from '../common/safe-read.js';
import { raceRouteTimeout, withinRouteTimeout } from './within-route-timeout.js';

/** What the gates decided for a request that goes on to its handler. */
interface Gate {
  readonly setup: RouteSetup;
  readonly staleKey: string | null;
  /** Route timeout in force, ms (0: none). */
  readonly timeoutMs: number;
  /** The breaker's admission of this request; null when its breaker has no state (or is off). */
  readonly breaker: BreakerCall | null;
  /** Whether the request was counted for the retry budget already (its route is hot). */
  counted: boolean;
  /** When the handler started (the module's clock), for a run handed over after a timeout. */
  startedAt: number;
  slot: BulkheadSlot | undefined;
  /** Whether the handler returned an Observable, whose breaker call is counted when it ends. */
  observed?: boolean;
}

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
    private readonly capture: ErrorPipeline,
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
      const res = args[response.index];
      // The handler sees exactly the arguments it declared (rest parameters, `arguments.length`).
      // (A direct call with fewer arguments, e.g. from a test, is left exactly as it was made.)
      if (response.added && args.length > response.index) args.length = response.index;
      // Made only where needed (a gate, an error): a healthy request allocates nothing here.
      let call: HandlerCall | undefined;
      let gate: Gate | undefined;
      if (h.declared || h.hotUntil !== 0 || recovery.gates.anyActive) {
        call = { instance: this, original, args, response: res, h };
        const entered = recovery.enter(call);
        if (entered.kind === 'answered') return entered.answer;
        gate = entered.gate;
      }
      // The handler is called here on every path but the bulkhead's: its errors' stacks (and so
      // their fingerprints) do not depend on which gates happened to be active.
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        return recovery.recover(error, call ?? { instance: this, original, args, response: res, h }, gate);
      }
      if (call && gate) return recovery.finish(result, call, gate);
      if (!isThenable(result)) {
        // A plain value passes through untouched; so does a server-sent event stream.
        if (h.sse || !isObservable(result)) return result;
        // An Observable (an `@nestjs/axios` call) fails when Nest subscribes: recovered like a promise.
        return result.pipe(catchError((error: unknown) => from(recovery.recover(error, { instance: this, original, args, response: res, h }, undefined))));
      }
      return Promise.resolve(result).then(undefined, (error: unknown) => recovery.recover(error, { instance: this, original, args, response: res, h }, undefined));
    };
  }

  /**
   * Before the handler, on a route where a gate is declared or may be active: the request is refused
   * or answered by the gates (a promise for Nest), or goes on with what the gates decided.
   */
  private enter(call: HandlerCall): { kind: 'answered'; answer: Promise<unknown> } | { kind: 'run'; gate: Gate | undefined } {
    const request = requestOf(call.response);
    if (!request) return { kind: 'run', gate: undefined };
    let setup: RouteSetup;
    let admission: Admission;
    try {
      setup = this.routes.resolve(call.h, request);
      admission = this.gates.admit(call.h, request, setup);
    } catch (fault) {
      // A broken gate (e.g. a shared breaker store that is down) must not fail a healthy request.
      this.stats.fault('interceptor', fault);
      return { kind: 'run', gate: undefined };
    }
    if (admission.kind === 'refuse') return { kind: 'answered', answer: Promise.reject(admission.error) };
    if (admission.kind === 'fallback') return { kind: 'answered', answer: this.answerOpen(call, request, setup, admission) };
    const gate: Gate = { setup, staleKey: admission.staleKey, timeoutMs: admission.timeoutMs, breaker: admission.breaker, counted: false, startedAt: 0, slot: undefined };
    const bulkhead = setup.options?.bulkhead;
    try {
      if (bulkhead) {
        // Waiting for a slot is bounded like the handler itself (30 s for routes without a timeout).
        const held = this.bulkheads.slot(setup.route.key, bulkhead, this.gates.priorityOf(request, bulkhead.priority), gate.timeoutMs || 30_000);
        return { kind: 'answered', answer: this.throughBulkhead(call, gate, held) };
      }
      this.started(call.h, gate);
    } catch (fault) {
      this.stats.fault('interceptor', fault);
      if (gate.breaker) this.guarded(() => this.breakers.release(gate.breaker!));
      return { kind: 'run', gate: undefined };
    }
    return { kind: 'run', gate };
  }

  private async answerOpen(call: HandlerCall, request: object, setup: RouteSetup, admission: Admission & { kind: 'fallback' }): Promise<unknown> {
    const answer = await this.gates.answerOpen(call.h, request, setup, admission.open, admission.staleKey);
    this.setHeaders(call.response, answer.headers);
    return answer.value;
  }

  /** A route with a bulkhead: the handler runs once a slot is free (always from here, so its stack is stable too). */
  private async throughBulkhead(call: HandlerCall, gate: Gate, held: ReturnType<BulkheadRegistry['slot']>): Promise<unknown> {
    try {
      await held.acquire();
      gate.slot = held.slot;
      this.started(call.h, gate);
      let result: unknown;
      try {
        result = call.original.apply(call.instance, call.args);
      } catch (error) {
        return await this.recover(error, call, gate);
      }
      const value = await this.finish(result, call, gate);
      // An Observable runs once Nest subscribes: it holds the slot until it ends.
      return gate.observed && isObservable(value) ? value.pipe(finalize(() => held.release())) : value;
    } finally {
      if (!gate.observed) held.release();
      // A request the bulkhead refused after the breaker let it through gives a probe's slot back.
      const breaker = gate.breaker;
      // An Observable's breaker call is counted when it completes or fails (see observed()).
      if (breaker && !gate.observed) this.guarded(() => this.breakers.release(breaker));
    }
  }

  /** The handler is about to run: its start time (for a route timeout) and the retry budget's count. */
  private started(h: HandlerRoutes, gate: Gate): void {
    if (gate.timeoutMs > 0) gate.startedAt = this.options.clock.now();
    gate.counted = this.countForBudget(h, gate.setup);
  }

  /** After the handler on a gated route: the route timeout, stale keeping and the breaker's count. */
  private async finish(result: unknown, call: HandlerCall, gate: Gate): Promise<unknown> {
    const { breaker, staleKey, timeoutMs, setup } = gate;
    if (isObservable(result) && !call.h.sse) return this.observed(result, call, gate);
    try {
      let value: unknown;
      try {
        value = await raceRouteTimeout(result, timeoutMs, gate.startedAt);
      } catch (error) {
        return await this.recover(error, call, gate);
      }
      if (staleKey) this.guarded(() => this.gates.keep(staleKey, value, setup));
      if (breaker) this.guarded(() => this.breakers.settle(breaker, 'success'));
      return value;
    } finally {
      // Whatever ended the request without an outcome gives a probe's slot back (a no-op once counted).
      if (breaker) this.guarded(() => this.breakers.release(breaker));
    }
  }

  /**
   * An Observable of a gated route: it runs when Nest subscribes, so the route timeout bounds its
   * first value, its breaker call is counted when it completes (or released when it is dropped),
   * and its error is recovered like a rejected promise.
   */
  private observed(source: Observable<unknown>, call: HandlerCall, gate: Gate): Observable<unknown> {
    const { breaker, timeoutMs } = gate;
    gate.observed = true;
    const watched = withTimeout(source, timeoutMs).pipe(
      tap({ complete: () => breaker && this.guarded(() => this.breakers.settle(breaker, 'success')) }),
      catchError((error: unknown) => from(this.recover(error, call, gate))),
    );
    return breaker ? watched.pipe(finalize(() => this.guarded(() => this.breakers.release(breaker)))) : watched;
  }

  /**
   * A failed handler run: capture and recovery, then the breaker's count. Resolves with the
   * recovered answer (headers set) or rejects with the original error for the filters.
   */
  private async recover(error: unknown, call: HandlerCall, gate: Gate | undefined): Promise<unknown> {
    const request = requestOf(call.response);
    // Called outside an HTTP request (a test calling the controller method): the handler's own error.
    if (!request) throw error;
    // An error that is not captured (a 404) is the app's own answer, not a failure of the route: on
    // an ungated request it heats nothing (or every later request of the route would take the gated
    // path) and counts for no breaker. The filter answers it as plain Nest would (it still finds a
    // capture `withRecovery` made of it); a route that declines capture goes on, to say so.
    if (!gate && call.h.options?.capture !== false && !this.capture.shouldCapture(error)) throw error;
    let captured: CapturedError | undefined;
    let breaker = gate?.breaker ?? null;
    try {
      const setup = gate?.setup ?? this.routes.resolve(call.h, request);
      // The request reached the handler: it counts for the retry budget, and makes the route hot.
      if (!gate?.counted) this.guarded(() => setup.route.retryBudget?.recordRequest(this.options.clock.now()));
      this.heat(call.h, setup);
      // A breaker with no state was not consulted: this failure is what may create its state.
      breaker ??= setup.breaker ? this.breakers.unadmitted(setup.breaker) : null;
      if (breaker) this.breakers.attach(request, breaker);
      captured = await captureHandlerError(error, call, request, setup, gate?.slot, {
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
    const toSettle = breaker;
    if (toSettle) this.guarded(() => this.breakers.settle(toSettle, breakerOutcome(error, captured)));
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
   * budget; true when it was counted. A route that has not failed lately counts nothing: its first
   * failure is counted on the error path, and the budget's floor (`budgetMinRetries`) covers the start.
   */
  private countForBudget(h: HandlerRoutes, setup: RouteSetup): boolean {
    if (h.hotUntil === 0) return false;
    try {
      const now = this.options.clock.now();
      if (now >= h.hotUntil) {
        h.hotUntil = 0;
        return false;
      }
      setup.route.retryBudget?.recordRequest(now);
      return true;
    } catch (fault) {
      this.stats.fault('interceptor', fault);
      return true;
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
