import { Injectable } from '@nestjs/common';
import { ThrottleRegistry } from '../state/throttle.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

/**
 * Turns on a token-bucket limit for the failing route (or for each client of it) for a cool-down
 * window; excess requests get 429 with Retry-After, and the limit lifts by itself. It protects the
 * next requests; it does not serve this one.
 */
@Injectable()
@RegisterStrategy()
export class RequestThrottleStrategy implements RecoveryStrategy {
  readonly name = 'request_throttle';

  constructor(private readonly throttles: ThrottleRegistry) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    if (!ctx.route) return steps.skip(ctx, 'no route to throttle');
    const p = ctx.parameters.request_throttle;
    const startedAt = ctx.clock.now();
    const on = this.throttles.activate(ctx.route.key, p.scope, p.requestsPerMinute, p.burstSize, p.coolDownMs);
    if (!on) return steps.skip(ctx, `${ctx.route.key} is already throttled`);
    const message = `throttle on ${ctx.route.key}: ${p.requestsPerMinute}/min, burst ${p.burstSize}, per ${p.scope}, for ${Math.round(p.coolDownMs / 1000)} s`;
    return {
      resolved: false,
      steps: [
        steps.done(ctx, startedAt, true, message, {
          route: ctx.route.key,
          scope: p.scope,
          requestsPerMinute: p.requestsPerMinute,
          burstSize: p.burstSize,
          until: new Date(on.until).toISOString(),
        }),
      ],
    };
  }
}
