import { Injectable } from '@nestjs/common';
import { messageOf } from '../classify/error-text.js';
import type { ResolvedStrategyParameters } from '../error-recovery-options.js';
import { CacheClearHistory } from '../targets/cache-clear.history.js';
import type { CacheTarget } from '../targets/cache-target.interface.js';
import { CacheTargets } from '../targets/cache-targets.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { thenReplay } from './then-replay.js';

type CacheClearParameters = ResolvedStrategyParameters['cache_clear'];

const describe = (error: unknown): string => messageOf(error, 300);

/** The caches a `cacheType` selects. */
export function selectCaches(caches: readonly CacheTarget[], cacheType: CacheClearParameters['cacheType']): CacheTarget[] {
  return cacheType === 'all' ? [...caches] : caches.filter((c) => c.kind === cacheType);
}

/**
 * Clears the app's caches (`cacheType`, keys matching `clearPattern`), so that a poisoned or stale
 * entry stops failing requests, then runs the handler once more when that is safe: resolved only
 * when that replay succeeds. One step per cache; with `graceful` a failing cache does not stop the others.
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

    const done: StrategyStep[] = [];
    for (const [i, cache] of selected.entries()) {
      const step = await this.clearOne(ctx, cache, params);
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

  private async clearOne(ctx: RecoveryContext, cache: CacheTarget, params: CacheClearParameters): Promise<StrategyStep> {
    const startedAt = ctx.clock.now();
    const pattern = params.clearPattern;
    const details = { cache: cache.name, type: cache.kind, pattern, cacheType: params.cacheType, graceful: params.graceful };
    let step: StrategyStep;
    let keys: number | null = null;
    try {
      const result = await cache.clear(pattern);
      if (result.kind === 'skipped') {
        step = { ...steps.skipped(ctx, `${cache.name}: ${result.reason}`), details };
      } else {
        keys = result.keys;
        const what = keys === null ? `keys matching '${pattern}' (count not available)` : `${keys} ${keys === 1 ? 'key' : 'keys'} matching '${pattern}'`;
        step = steps.done(ctx, startedAt, true, `cleared ${what} from ${cache.name}`, { ...details, keysCleared: keys });
      }
    } catch (error) {
      step = steps.done(ctx, startedAt, false, `clearing ${cache.name} failed: ${describe(error)}`, details);
    }
    const outcome = step.success ? 'cleared' : step.skipped ? 'skipped' : 'failed';
    this.history.add({ at: new Date(startedAt).toISOString(), error_id: ctx.errorId, cache: cache.name, type: cache.kind, pattern, outcome, keys, message: step.message });
    return step;
  }
}
