import { Injectable } from '@nestjs/common';
import { scrubString } from '../common/scrub.js';
import { messageOf } from '../common/error-text.js';
import type { ResolvedStrategyParameters } from '../error-recovery-options.js';
import { CacheClearHistory } from '../targets/cache-clear.history.js';
import type { CacheClearResult, CacheTarget } from '../targets/cache-target.interface.js';
import { CacheTargets } from '../targets/cache-targets.js';
import { cacheClearScope, scopeLabel, staleDataEvidence, type StaleEvidence } from './cache-clear.policy.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { replayBlocker, thenReplay } from './then-replay.js';

type CacheClearParameters = ResolvedStrategyParameters['cache_clear'];
type Scope = { pattern: string } | { keys: string[] };

/** The caches a `cacheType` selects. */
export function selectCaches(caches: readonly CacheTarget[], cacheType: CacheClearParameters['cacheType']): CacheTarget[] {
  return cacheType === 'all' ? [...caches] : caches.filter((c) => c.kind === cacheType);
}

/**
 * Clears cached data that made a request fail, then runs the handler once more: resolved only when
 * that replay succeeds. It acts only with evidence of stale or corrupt data (see
 * `staleDataEvidence`; `onAnyError` to act on any error), only when the request will be run again,
 * only on the keys of what failed (see `cacheClearScope`; whole caches only with `clearPattern: '*'`),
 * and clears the same keys of one cache at most once per `coolDownMs`: flushing a cache under a
 * struggling database sends every next request to it. One step per cache; with `graceful` a failing
 * cache does not stop the others.
 */
@Injectable()
@RegisterStrategy()
export class CacheClearStrategy implements RecoveryStrategy {
  readonly name = 'cache_clear';

  constructor(
    private readonly caches: CacheTargets,
    private readonly history: CacheClearHistory,
  ) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const params = ctx.parameters.cache_clear;
    const registered = this.caches.targets();
    if (registered.length === 0) return steps.skip(ctx, 'no cache registered');
    const selected = selectCaches(registered, params.cacheType);
    if (selected.length === 0) return steps.skip(ctx, `no ${params.cacheType} cache registered`);
    const evidence: StaleEvidence | undefined = staleDataEvidence(ctx.error) ?? (params.onAnyError ? { reason: 'onAnyError', keys: [] } : undefined);
    if (!evidence) return steps.skip(ctx, `no evidence of stale or corrupt data (${ctx.classification.errorType}): a flush would only add load`);
    // Clearing is only worth its cost when this request runs again on fresh data.
    const blocker = replayBlocker(ctx);
    if (blocker) return steps.skip(ctx, `nothing will be re-run (${blocker}): caches left alone`);
    const scope = cacheClearScope(params.clearPattern, evidence, ctx.request);
    if ('none' in scope) return steps.skip(ctx, scope.none);

    const done: StrategyStep[] = [];
    for (const [i, cache] of selected.entries()) {
      const step = await this.clearOne(ctx, cache, scope, params, evidence.reason);
      done.push(step);
      if (step.success || step.skipped || params.graceful) continue;
      const rest = selected.slice(i + 1).map((c) => c.name);
      if (rest.length > 0) done.push({ ...steps.skipped(ctx, `not tried after that failure (graceful: false): ${rest.join(', ')}`), details: { caches: rest } });
      return { resolved: false, steps: done };
    }
    // Running the handler again only makes sense when something was really cleared.
    if (!done.some((s) => s.success)) return { resolved: false, steps: done };
    const replayed = await thenReplay(ctx, done[done.length - 1], 'cache clear');
    return { ...replayed, steps: [...done.slice(0, -1), ...replayed.steps] };
  }

  private async clearOne(ctx: RecoveryContext, cache: CacheTarget, scope: Scope, params: CacheClearParameters, evidence: string): Promise<StrategyStep> {
    const startedAt = ctx.clock.now();
    const label = scopeLabel(scope);
    const pattern = 'pattern' in scope ? scope.pattern : scope.keys.join(' ');
    const details = { cache: cache.name, type: cache.kind, pattern, cacheType: params.cacheType, graceful: params.graceful, evidence };
    const last = this.history.clearedAt(cache.name, label);
    if (last !== undefined && startedAt - last < params.coolDownMs) {
      const wait = Math.ceil((params.coolDownMs - (startedAt - last)) / 1000);
      return { ...steps.skipped(ctx, `${cache.name}: ${label} cleared ${Math.floor((startedAt - last) / 1000)} s ago (cool-down, ${wait} s left)`), details };
    }
    let step: StrategyStep;
    let keys: number | null = null;
    // Claimed before the clear starts: errors arriving while it runs (one cause fails many requests
    // at once) are inside the cool-down, not N more clears of the same keys. Given back unless it cleared.
    this.history.markCleared(cache.name, label, startedAt);
    try {
      const result = await this.clear(cache, scope);
      if (result.kind === 'skipped') {
        step = { ...steps.skipped(ctx, `${cache.name}: ${result.reason}`), details };
      } else {
        keys = result.keys;
        const what =
          'pattern' in scope
            ? keys === null ? `keys matching '${scope.pattern}' (count not available)` : `${keys} ${keys === 1 ? 'key' : 'keys'} matching '${scope.pattern}'`
            : keys === null ? `${label} (count not available)` : scope.keys.length === 1 ? label : `${keys} of ${label}`;
        step = steps.done(ctx, startedAt, true, `cleared ${what} from ${cache.name} (${evidence})`, { ...details, keysCleared: keys });
      }
    } catch (error) {
      step = steps.done(ctx, startedAt, false, `clearing ${cache.name} failed: ${messageOf(error, 300)}`, details);
    }
    if (!step.success) this.history.unmarkCleared(cache.name, label, startedAt, last);
    const outcome = step.success ? 'cleared' : step.skipped ? 'skipped' : 'failed';
    // Keys are request URLs, whose query may carry a token: scrubbed like the stored actions.
    this.history.add({ at: new Date(startedAt).toISOString(), error_id: ctx.errorId, cache: cache.name, type: cache.kind, pattern: scrubString(pattern), outcome, keys, message: scrubString(step.message) });
    return step;
  }

  private clear(cache: CacheTarget, scope: Scope): Promise<CacheClearResult> {
    if ('pattern' in scope) return cache.clear(scope.pattern);
    if (!cache.clearKeys) return Promise.resolve({ kind: 'skipped', reason: 'cannot clear single keys (only a whole clear, with clearPattern \'*\')' });
    return cache.clearKeys(scope.keys);
  }
}
