import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { messageOf } from '../common/error-text.js';
import { StaleResponseCache } from '../state/stale-response.cache.js';
import { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import { answerFromChain } from './fallback-chain.answer.js';
import { callRouteFallback, degraded, forwardToUpstream } from './fallback-answers.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';

const NOTHING_APPLIES = 'no fallback: the route has none, no fresh stale response, no fallback upstream configured';

/**
 * Answers the request another way, in this order: (0) the route's fallback chain, (a) the route's own fallback, (b) for GET, the
 * last good response of the same route and query (served stale with its age), (c) the configured
 * fallback upstream (path and query only, body size-limited). Each answer is marked degraded. A
 * route fallback that returns `undefined` has served nothing: a failed step, and the next source is
 * tried. Nothing applies → skipped.
 */
@Injectable()
@RegisterStrategy()
export class FallbackStrategy implements RecoveryStrategy {
  readonly name = 'fallback';

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly stale: StaleResponseCache,
    private readonly chains: FallbackChains,
  ) {}

  /** {@link execute}'s "nothing applies", decided without running it (see RecoveryStrategy.skipReason). */
  skipReason(ctx: Omit<RecoveryContext, 'budget'>): string | undefined {
    if (ctx.routeOptions?.fallback !== undefined || ctx.routeOptions?.fallbackChain !== undefined) return undefined;
    if (ctx.request?.method === 'GET' && ctx.route && this.stale.get(StaleResponseCache.key(ctx.route.key, ctx.request.url), ctx.parameters.fallback.staleMaxAgeMs)) return undefined;
    if (ctx.parameters.fallback.upstreamUrl && ctx.request) return undefined;
    return NOTHING_APPLIES;
  }

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const tried: StrategyStep[] = [];
    const p = ctx.parameters.fallback;

    if (ctx.routeOptions?.fallbackChain !== undefined) {
      const { step, answer } = await answerFromChain(ctx, this.chains, ctx.routeOptions.fallbackChain);
      tried.push(step);
      if (answer) return { resolved: true, result: answer.value, headers: degraded('fallback-chain'), steps: tried };
    }

    if (ctx.routeOptions?.fallback !== undefined) {
      const startedAt = ctx.clock.now();
      try {
        const own = await callRouteFallback(ctx, this.moduleRef);
        if (own?.value === undefined) {
          // Nothing to send: an empty 200 would pass a failure off as a success.
          tried.push(steps.done(ctx, startedAt, false, 'route fallback returned nothing (undefined); not served', { source: 'route' }));
        } else {
          tried.push(steps.done(ctx, startedAt, true, "served the route's own fallback", { source: 'route' }));
          return { resolved: true, result: own.value, headers: degraded('fallback'), steps: tried };
        }
      } catch (error) {
        tried.push(steps.done(ctx, startedAt, false, `route fallback failed: ${messageOf(error, 300)}`, { source: 'route' }));
      }
    }

    if (ctx.request?.method === 'GET' && ctx.route) {
      const hit = this.stale.get(StaleResponseCache.key(ctx.route.key, ctx.request.url), p.staleMaxAgeMs);
      if (hit) {
        const ageSeconds = Math.floor(hit.ageMs / 1000);
        tried.push(steps.done(ctx, ctx.clock.now(), true, `served the last good response, ${ageSeconds} s old`, { source: 'stale', ageSeconds }));
        return { resolved: true, result: hit.value, headers: degraded('fallback-stale', { Age: String(ageSeconds) }), steps: tried };
      }
    }

    if (p.upstreamUrl && ctx.request) {
      const startedAt = ctx.clock.now();
      try {
        const answer = await forwardToUpstream(ctx, p.upstreamUrl, { timeoutMs: p.upstreamTimeoutMs, maxBytes: p.upstreamMaxBytes });
        tried.push(steps.done(ctx, startedAt, true, `forwarded to the fallback upstream (${answer.status})`, { source: 'upstream', status: answer.status }));
        return { resolved: true, result: answer.value, headers: degraded('fallback-upstream'), steps: tried };
      } catch (error) {
        tried.push(steps.done(ctx, startedAt, false, `fallback upstream failed: ${messageOf(error, 300)}`, { source: 'upstream' }));
      }
    }

    if (tried.length > 0) return { resolved: false, steps: tried };
    return steps.skip(ctx, NOTHING_APPLIES);
  }
}
