import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AI_ERROR_HANDLER_METADATA, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import { toCircuitPolicy, type ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { RetryBudgetWindow } from '../resilience/retry-budget.window.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import type { RouteInfo } from '../strategies/recovery-strategy.interface.js';
import type { AiErrorHandlerOptions } from './ai-error-handler-options.interface.js';
import { routePattern } from './request-snapshot.js';

/** What the interceptor needs to know about the route of a request. */
export interface RouteSetup {
  route: RouteInfo;
  options: AiErrorHandlerOptions | undefined;
  /** Name of the breaker guarding the route; null when the route turned its breaker off. */
  breaker: string | null;
}

/**
 * Resolves the route of a request once per handler: its `@AiErrorHandler()` options (a handler's
 * beat its controller's), its key and its breaker (configured with the route's policy).
 */
@Injectable()
export class RouteResolver {
  private readonly options = new WeakMap<object, { value: AiErrorHandlerOptions | undefined; routes: Map<string, Map<string, RouteInfo>> }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly breakers: CircuitBreakerRegistry,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly moduleOptions: ResolvedErrorRecoveryOptions,
  ) {}

  resolve(context: ExecutionContext, request: { method?: string }): RouteSetup {
    const handler = context.getHandler();
    let cached = this.options.get(handler);
    if (!cached) {
      const value = this.reflector.getAllAndOverride<AiErrorHandlerOptions | undefined>(AI_ERROR_HANDLER_METADATA, [handler, context.getClass()]);
      cached = { value, routes: new Map() };
      this.options.set(handler, cached);
    }
    const method = request.method ?? 'GET';
    const pattern = routePattern(request) ?? `${context.getClass().name}.${handler.name}`;
    // One RouteInfo per handler, method and pattern: no string building per request.
    let byPattern = cached.routes.get(method);
    if (!byPattern) cached.routes.set(method, (byPattern = new Map()));
    let route = byPattern.get(pattern);
    if (!route) {
      const upper = method.toUpperCase();
      route = { key: `${upper} ${pattern}`, method: upper, pattern };
      // Patterns come from the framework's route table, so this stays small; bounded all the same.
      if (byPattern.size < 64) {
        // Made once per route, so counting its requests for the retry budget allocates nothing.
        route.retryBudget = new RetryBudgetWindow(cached.value?.retry?.budgetWindowMs ?? this.moduleOptions.retry.budgetWindowMs);
        byPattern.set(pattern, route);
      }
    }
    const options = cached.value;
    const breaker = options?.circuitBreaker === false ? null : (options?.circuit ?? route.key);
    if (breaker && options?.circuitBreaker) this.breakers.configureOnce(breaker, toCircuitPolicy(options.circuitBreaker));
    return { route, options, breaker };
  }
}
