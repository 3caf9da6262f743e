import { Injectable } from '@nestjs/common';
import { RouteTimeouts } from '../state/route-timeouts.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { thenReplay } from './then-replay.js';

/**
 * On a timeout, raises the route's timeout (by `incrementPercent`, capped at `newTimeoutMs`), keeps
 * it for `coolDownMs` (then it decays back) and runs the handler once more under the raised
 * timeout, within the recovery budget.
 */
@Injectable()
@RegisterStrategy()
export class TimeoutIncreaseStrategy implements RecoveryStrategy {
  readonly name = 'timeout_increase';

  constructor(private readonly timeouts: RouteTimeouts) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    if (ctx.classification.errorType !== 'TimeoutError') {
      return steps.skip(ctx, `only applies to timeouts (this is a ${ctx.classification.errorType})`);
    }
    if (!ctx.route) return steps.skip(ctx, 'no route whose timeout could be raised');
    const p = ctx.parameters.timeout_increase;
    const base = ctx.routeOptions?.timeoutMs ?? p.currentTimeoutMs;
    if (base <= 0) return steps.skip(ctx, `${ctx.route.key} runs without a timeout`);
    const current = this.timeouts.current(ctx.route.key, base);
    if (current >= p.newTimeoutMs) return steps.skip(ctx, `timeout of ${ctx.route.key} already at the ceiling (${current} ms)`);
    const startedAt = ctx.clock.now();
    const raised = Math.min(p.newTimeoutMs, Math.ceil(current * (1 + p.incrementPercent / 100)));
    this.timeouts.raise(ctx.route.key, base, raised, p.coolDownMs);
    const effect = steps.done(
      ctx,
      startedAt,
      true,
      `timeout of ${ctx.route.key} ${current} → ${raised} ms for ${Math.round(p.coolDownMs / 1000)} s`,
      { route: ctx.route.key, fromMs: current, toMs: raised, ceilingMs: p.newTimeoutMs, coolDownMs: p.coolDownMs },
    );
    return thenReplay(ctx, effect, 'timeout increase', raised);
  }
}
