import { Inject, Injectable, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import { routeParameters, toCircuitPolicy, type ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RetryBudgetWindow } from '../resilience/retry-budget.window.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import { baseRouteTimeout } from '../state/route-timeouts.registry.js';
import type { RouteInfo } from '../strategies/recovery-strategy.interface.js';
import type { AiErrorHandlerOptions } from './ai-error-handler-options.interface.js';
import { routePattern } from './request-snapshot.js';

/** Routes kept per handler (method × pattern): they come from the framework's route table; bounded all the same. */
const MAX_ROUTES_PER_HANDLER = 64;

/**
 * One route handler as recovery sees it, made once when the handler is wrapped. Its wrapper closes
 * over it, so what a request needs to know (is anything active here?) is a field read, not a lookup.
 */
export interface HandlerRoutes {
  /** The controller class (what `ExecutionContext.getClass()` returns). */
  readonly controller: Type<unknown>;
  /** The original handler, which holds the route's metadata. */
  readonly handler: object;
  /** `@AiErrorHandler()` options: the handler's beat its controller's. */
  readonly options: AiErrorHandlerOptions | undefined;
  /**
   * A gate declared for good (a bulkhead, a route timeout, keeping stale responses): every request
   * of the handler takes the gated path. False on a plain route.
   */
  readonly declared: boolean;
  /** Whether the handler is a server-sent events stream (never timed out). */
  readonly sse: boolean;
  /**
   * Until when (ms) the handler is "hot": it failed within the retry budget's window, so its
   * requests are counted for the budget. 0 while it has not failed lately: nothing is counted.
   */
  hotUntil: number;
  /** Routes of the handler, by `METHOD pattern`; made on the first request that needs one. */
  readonly routes: Map<string, RouteInfo>;
}

/** What the request path needs to know about the route of a request. */
export interface RouteSetup {
  route: RouteInfo;
  options: AiErrorHandlerOptions | undefined;
  /** Name of the breaker guarding the route; null when the route turned its breaker off. */
  breaker: string | null;
}

/** Resolves handlers once (at wrap time) and the route of a request when a gate or an error needs it. */
@Injectable()
export class RouteResolver {
  constructor(
    private readonly reflector: Reflector,
    private readonly breakers: CircuitBreakerRegistry,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly moduleOptions: ResolvedErrorRecoveryOptions,
  ) {}

  /** The handler's settings, read once from its metadata. */
  handler(controller: Type<unknown>, handler: object): HandlerRoutes {
    const options = this.reflector.getAllAndOverride<AiErrorHandlerOptions | undefined>(AI_ERROR_HANDLER_METADATA, [handler as () => unknown, controller]);
    const sse = Reflect.getMetadata(SSE_METADATA, handler) === true;
    const timed = !sse && baseRouteTimeout(options, this.moduleOptions.routeTimeoutMs) > 0;
    // Only GET responses are kept (see RouteGates.keep): other routes do not pay for stale keeping.
    const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
    const mayGet = method === undefined || method === RequestMethod.GET || method === RequestMethod.ALL;
    const keepsStale =
      mayGet && (options?.parameters?.fallback ? routeParameters(this.moduleOptions.parameters, options.parameters).fallback.staleCache : this.moduleOptions.parameters.fallback.staleCache);
    return { controller, handler, options, declared: options?.bulkhead !== undefined || timed || keepsStale, sse, hotUntil: 0, routes: new Map() };
  }

  /** The route of a request to `h`, and its breaker (configured with the route's policy). */
  resolve(h: HandlerRoutes, request: { method?: string }): RouteSetup {
    const method = (request.method ?? 'GET').toUpperCase();
    const pattern = routePattern(request) ?? `${h.controller.name}.${(h.handler as { name?: string }).name ?? ''}`;
    const key = `${method} ${pattern}`;
    let route = h.routes.get(key);
    if (!route) {
      route = { key, method, pattern };
      if (h.routes.size < MAX_ROUTES_PER_HANDLER) {
        // Made once per route, so counting its requests for the retry budget allocates nothing.
        route.retryBudget = new RetryBudgetWindow(h.options?.retry?.budgetWindowMs ?? this.moduleOptions.retry.budgetWindowMs);
        h.routes.set(key, route);
      }
    }
    const options = h.options;
    const breaker = options?.circuitBreaker === false ? null : (options?.circuit ?? route.key);
    if (breaker && options?.circuitBreaker) this.breakers.configureOnce(breaker, toCircuitPolicy(options.circuitBreaker));
    return { route, options, breaker };
  }
}
