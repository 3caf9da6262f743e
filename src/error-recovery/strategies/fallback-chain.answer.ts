import { messageOf } from '../common/error-text.js';
import { isFallbackChainExhaustedError } from '../errors/fallback-chain-exhausted.error.js';
import type { FallbackResult } from '../toolkit/fallback/fallback-chain-options.interface.js';
import type { FallbackChains } from '../toolkit/fallback/fallback-chains.service.js';
import type { RecoveryContext, StrategyStep } from './recovery-strategy.interface.js';
import { steps } from './strategy-steps.js';

/**
 * Asks the route's fallback chain (`@AiErrorHandler({ fallbackChain })`) with `{ error, request }`,
 * within the recovery budget. The step records the tier and provider that answered, or each
 * tier's reason when none did; an answer of `undefined` is none either (then the strategy goes on to
 * the route's other fallbacks).
 */
export async function answerFromChain(ctx: RecoveryContext, chains: FallbackChains, chain: string): Promise<{ step: StrategyStep; answer?: FallbackResult }> {
  const startedAt = ctx.clock.now();
  try {
    const answer = await chains.execute(chain, { input: { error: ctx.error, request: ctx.request?.raw }, signal: ctx.budget.signal });
    const where = { source: 'chain', chain, tier: answer.tier, provider: answer.provider };
    // Nothing to send, as for the route's own fallback: an empty 200 would pass a failure off as a success.
    if (answer.value === undefined) return { step: steps.done(ctx, startedAt, false, `fallback chain "${chain}" answered nothing (undefined) at tier ${answer.tier} (${answer.provider}); not served`, where) };
    const message = `served by fallback chain "${chain}", tier ${answer.tier} (${answer.provider})`;
    return { step: steps.done(ctx, startedAt, true, message, where), answer };
  } catch (error) {
    const tiers = isFallbackChainExhaustedError(error) ? error.failures.map((f) => ({ provider: f.provider, reason: f.reason, message: f.message })) : [];
    return { step: steps.done(ctx, startedAt, false, `fallback chain "${chain}" failed: ${messageOf(error, 600)}`, { source: 'chain', chain, tiers }) };
  }
}
