import { Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { isRouteTimeoutError, type InFlightRun } from '../errors/route-timeout.error.js';
import { baseRouteTimeout, RouteTimeouts } from '../state/route-timeouts.registry.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { replayBlocker, thenReplay } from './then-replay.js';

/**
 * On a route timeout, raises the route's timeout (by `incrementPercent`, capped at `newTimeoutMs`)
 * for `coolDownMs` (then it decays back). The handler that timed out is usually still running: the
 * strategy first waits for that same run up to the raised timeout (less the time it already took),
 * within the recovery budget, and serves the request with its result. Only when that fails does it
 * run the handler once more under the raised timeout, if time remains. Routes without a timeout
 * (the default) are skipped.
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
    const base = baseRouteTimeout(ctx.routeOptions, p.currentTimeoutMs);
    if (base <= 0) return steps.skip(ctx, `no route timeout configured on ${ctx.route.key}`);
    // Ours from here: waited for, or abandoned in `finally`.
    const run = isRouteTimeoutError(ctx.error) ? ctx.error.takeRun() : undefined;
    try {
      const current = this.timeouts.current(ctx.route.key, base);
      const startedAt = ctx.clock.now();
      let limit = current;
      let effect: StrategyStep | undefined;
      if (current < p.newTimeoutMs) {
        limit = Math.min(p.newTimeoutMs, Math.ceil(current * (1 + p.incrementPercent / 100)));
        this.timeouts.raise(ctx.route.key, base, limit, p.coolDownMs);
        effect = steps.done(ctx, startedAt, true, `timeout of ${ctx.route.key} ${current} → ${limit} ms for ${Math.round(p.coolDownMs / 1000)} s`, {
          route: ctx.route.key,
          fromMs: current,
          toMs: limit,
          ceilingMs: p.newTimeoutMs,
          coolDownMs: p.coolDownMs,
        });
      }
      // The raise stands whatever comes next: recorded now, as the waiting below often runs into the
      // end of the budget (then this strategy's own steps only arrive, marked late, afterwards).
      const noted = effect !== undefined && ctx.noteEffect !== undefined;
      if (effect && ctx.noteEffect) ctx.noteEffect(effect);
      const waited = run ? await this.waitFor(run, limit, ctx) : undefined;
      if (!effect) {
        if (!waited) return steps.skip(ctx, `timeout of ${ctx.route.key} already at the ceiling (${current} ms)`);
        return { resolved: waited.resolved, result: waited.result, steps: [waited.step] };
      }
      const before = noted ? [] : [effect];
      if (waited?.resolved) return { resolved: true, result: waited.result, steps: [...before, waited.step] };
      const blocker = noted ? replayBlocker(ctx) : undefined;
      if (blocker) return { resolved: false, steps: [...(waited ? [waited.step] : []), steps.skipped(ctx, `replay after timeout increase skipped: ${blocker}`)] };
      const replayed = await thenReplay(ctx, effect, 'timeout increase', limit);
      // thenReplay's first step is the effect, already noted.
      if (noted) replayed.steps.shift();
      if (waited) replayed.steps.splice(before.length, 0, waited.step);
      return replayed;
    } finally {
      run?.abandon();
    }
  }

  /** Waits for the run that timed out, up to the raised timeout less its age, within the budget. */
  private async waitFor(run: InFlightRun, limitMs: number, ctx: RecoveryContext): Promise<{ resolved: boolean; result?: unknown; step: StrategyStep } | undefined> {
    const ageMs = Math.max(0, ctx.clock.now() - run.startedAt);
    const waitMs = Math.min(limitMs - ageMs, ctx.budget.remaining());
    if (waitMs <= 0) return undefined;
    const startedAt = ctx.clock.now();
    const details = { inFlight: true, waitMs, ageMs };
    try {
      const result = await run.wait(waitMs, ctx.budget.signal);
      return { resolved: true, result, step: steps.done(ctx, startedAt, true, `the run that timed out answered under the raised timeout (waited up to ${waitMs} ms)`, { ...details, run: 'answered' }) };
    } catch (error) {
      // `still_running`: the dependency did not answer even under the raised timeout; the breaker counts that.
      const stillRunning = isRouteTimeoutError(error);
      const why = stillRunning ? `still running after ${waitMs} ms more` : `failed: ${messageOf(error, 300)}`;
      return { resolved: false, step: steps.done(ctx, startedAt, false, `the run that timed out ${why}`, { ...details, run: stillRunning ? 'still_running' : 'failed' }) };
    }
  }
}
