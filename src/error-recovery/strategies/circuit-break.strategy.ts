import { Injectable } from '@nestjs/common';
import { isRouteTimeoutError } from '../errors/route-timeout.error.js';
import { CircuitBreakerRegistry } from '../state/circuit-breaker.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

/**
 * Counts this failure against the breaker of the failing route (or of the dependency named with
 * `@AiErrorHandler({ circuit })`); the breaker opens when its rule says so (consecutive failures,
 * or a failure rate over its window), never on one request. Reports a success step only when the
 * breaker really opened; otherwise `skipped` with how far it is from opening. It protects the next
 * requests; it does not serve this one. The request is counted once: the route wrapper does not count
 * it again. While a later step of the plan other than `fallback` may still serve the request (e.g.
 * service_restart's replay), it is not counted here but by the route wrapper with the final outcome
 * (a failure a later step got past is a success): this step is then `skipped`, saying so.
 */
@Injectable()
@RegisterStrategy()
export class CircuitBreakStrategy implements RecoveryStrategy {
  readonly name = 'circuit_break';

  constructor(private readonly breakers: CircuitBreakerRegistry) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    const skipped = (message: string, details?: Record<string, string | number>): StrategyOutcome => steps.skip(ctx, message, details, startedAt);
    if (ctx.routeOptions?.circuitBreaker === false) return skipped('circuit breaker disabled for this route');
    const name = ctx.routeOptions?.circuit ?? ctx.route?.key;
    if (!name) return skipped('no route or dependency to protect');
    if (isRouteTimeoutError(ctx.error)) return skipped(`the route's own timeout: a slow dependency is not down; not counted against breaker "${name}"`);
    if (!ctx.classification.transient) return skipped(`not a dependency failure (${ctx.classification.errorType}); not counted against breaker "${name}"`);
    // Only a fallback's answer still counts as a failure; any other later step serving the request
    // makes it a success, which only the route wrapper knows once recovery is over.
    const servers = (ctx.laterSteps ?? []).filter((s) => s !== 'fallback');
    if (servers.length > 0 && this.breakers.willSettle(name, ctx.request?.raw)) {
      return skipped(`not counted yet: ${servers.join(', ')} may still serve this request; it counts against breaker "${name}" once recovery is over`, { breaker: name });
    }
    const counted = this.breakers.recordFailure(name, ctx.request?.raw);
    if (!counted) return skipped(`failure already counted against breaker "${name}"`);
    const { state, policy, from } = counted;
    if (counted.opened && state.kind === 'open') {
      const seconds = Math.round((state.reopenAt - state.openedAt) / 1000);
      const why = counted.opened === 'failure_rate' ? `failure rate ≥ ${policy.failureRateThreshold} %` : counted.opened === 'probe_failed' ? 'probe failed' : `${policy.failureThreshold} consecutive failures`;
      return {
        resolved: false,
        steps: [
          steps.done(ctx, startedAt, true, `breaker "${name}" opened for ${seconds} s (${why}; trip ${state.trips})`, {
            breaker: name,
            from,
            to: 'open',
            reason: counted.opened,
            reopenAt: new Date(state.reopenAt).toISOString(),
            trips: state.trips,
          }),
        ],
      };
    }
    if (state.kind === 'closed') {
      const { calls, failures } = counted.window;
      return skipped(`failure ${state.consecutiveFailures} of ${policy.failureThreshold} counted; breaker "${name}" stays closed (${failures} of ${calls} calls failed in the window)`, {
        breaker: name,
        consecutiveFailures: state.consecutiveFailures,
        failureThreshold: policy.failureThreshold,
        windowCalls: calls,
        windowFailures: failures,
      });
    }
    if (state.kind === 'open') return skipped(`breaker "${name}" already open until ${new Date(state.reopenAt).toISOString()}`, { breaker: name });
    return skipped(`breaker "${name}" is ${state.kind.replace('_', '-')}; only its probes decide, this failure changes nothing`, { breaker: name, state: state.kind });
  }
}
