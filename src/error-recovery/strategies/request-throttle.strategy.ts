import { Injectable } from '@nestjs/common';
import { ThrottleRegistry } from '../state/throttle.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { decideThrottle, throttleFacts } from './request-throttle.policy.js';
import { steps } from './strategy-steps.js';

/**
 * Turns on a token-bucket limit for a cool-down window; excess requests get 429 with Retry-After,
 * and the limit lifts by itself. It protects the next requests; it does not serve this one.
 * Only where limiting helps (see `decideThrottle`): on the route for an overload signal, on one
 * client for that client's own 4xx, never for a bug.
 */
@Injectable()
@RegisterStrategy()
export class RequestThrottleStrategy implements RecoveryStrategy {
  readonly name = 'request_throttle';

  constructor(private readonly throttles: ThrottleRegistry) {}

  /** {@link execute}'s skips that need no state, decided without running it (see RecoveryStrategy.skipReason). */
  skipReason(ctx: Omit<RecoveryContext, 'budget'>): string | undefined {
    if (!ctx.route) return 'no route to throttle';
    const decision = decideThrottle(throttleFacts(ctx.error, ctx.classification), ctx.parameters.request_throttle.scope);
    if (!decision.throttle) return decision.reason;
    if (decision.scope === 'client' && !ctx.request?.client) return 'per-client throttle, but the client is not known';
    return undefined;
  }

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    if (!ctx.route) return steps.skip(ctx, 'no route to throttle');
    const p = ctx.parameters.request_throttle;
    const decision = decideThrottle(throttleFacts(ctx.error, ctx.classification), p.scope);
    if (!decision.throttle) return steps.skip(ctx, decision.reason);
    const { scope } = decision;
    const client = ctx.request?.client;
    if (scope === 'client' && !client) return steps.skip(ctx, 'per-client throttle, but the client is not known');
    const startedAt = ctx.clock.now();
    const on = this.throttles.activate(ctx.route.key, scope, client, p.requestsPerMinute, p.burstSize, p.coolDownMs);
    const who = scope === 'client' ? `${ctx.route.key} for ${client}` : ctx.route.key;
    if (!on) return steps.skip(ctx, `${who} is already throttled`);
    const message = `throttle on ${who} (${decision.signal}): ${p.requestsPerMinute}/min, burst ${p.burstSize}, for ${Math.round(p.coolDownMs / 1000)} s`;
    return {
      resolved: false,
      steps: [
        steps.done(ctx, startedAt, true, message, {
          route: ctx.route.key,
          scope,
          signal: decision.signal,
          requestsPerMinute: p.requestsPerMinute,
          burstSize: p.burstSize,
          until: new Date(on.until).toISOString(),
        }),
      ],
    };
  }
}
