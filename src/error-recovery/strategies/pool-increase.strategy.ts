import { Injectable } from '@nestjs/common';
import { messageOf } from '../common/error-text.js';
import { PoolSizesRegistry } from '../state/pool-sizes.registry.js';
import { decidePoolAction } from '../state/pool-size.policy.js';
import { chooseDataSource } from '../targets/choose-data-source.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { resizablePool } from '../targets/pg-pool.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { replayBlocker, thenReplay } from './then-replay.js';

const codeOf = (error: unknown): string | undefined => {
  const code: unknown = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Grows the pg pool of the failing PostgreSQL DataSource (`max` × incrementPercent / 100, up to
 * `ceiling`), then runs the request again when that is safe. The pool shrinks back `coolDownMs`
 * after its last growth (see `PoolSizesRegistry`). Only for transient errors of an exhausted pool.
 * A request that failed for lack of connections after the pool was grown (one exhaustion fails many
 * requests at once) is run again in the room that growth left, without growing it once more.
 */
@Injectable()
@RegisterStrategy()
export class PoolIncreaseStrategy implements RecoveryStrategy {
  readonly name = 'pool_increase';

  constructor(
    private readonly targets: DataSourceTargets,
    private readonly pools: PoolSizesRegistry,
  ) {}

  async execute(ctx: RecoveryContext): Promise<StrategyOutcome> {
    const startedAt = ctx.clock.now();
    const skipped = (message: string, details?: StrategyStep['details']): StrategyOutcome => steps.skip(ctx, message, details, startedAt);
    try {
      const p = ctx.parameters.pool_increase;
      if (!ctx.classification.transient) return skipped('permanent error: a bigger pool cannot help');
      const all = this.targets.list();
      const postgres = all.filter((t) => t.dataSource.options.type === 'postgres');
      const choice = chooseDataSource(p.dataSource ? all : postgres, p.dataSource, 'pool_increase');
      if ('skip' in choice) return skipped(choice.none && all.length > 0 ? 'no PostgreSQL DataSource registered' : choice.skip);
      const name = choice.target.name;
      const found = resizablePool(choice.target.dataSource);
      if ('reason' in found) return skipped(`${found.reason} (${name})`, { dataSource: name });
      const { pool } = found;
      const usage = { max: pool.options.max, totalCount: pool.totalCount, idleCount: pool.idleCount, waitingCount: pool.waitingCount };
      const action = decidePoolAction(ctx.classification.message, codeOf(ctx.error), usage, this.pools.isGrown(name, pool));
      if (action.kind === 'skip') return skipped(`${action.reason} (${name})`, { dataSource: name, ...usage });
      if (action.kind === 'rerun') return await this.rerun(ctx, name, action.room, usage, startedAt);
      const grown = this.pools.grow(name, pool, p);
      if ('skip' in grown) return skipped(`${grown.skip} (${name})`, { dataSource: name, current: usage.max, ceiling: p.ceiling });
      const effect: StrategyStep = {
        success: true,
        skipped: false,
        message: `pool max ${grown.from} → ${grown.to} (${name})`,
        details: {
          dataSource: name,
          from: grown.from,
          to: grown.to,
          ceiling: grown.ceiling,
          incrementPercent: p.incrementPercent,
          original: grown.original,
          coolDownMs: p.coolDownMs,
          revertAt: new Date(grown.revertAt).toISOString(),
        },
        startedAt,
        durationMs: ctx.clock.now() - startedAt,
      };
      return await thenReplay(ctx, effect, 'pool growth');
    } catch (error) {
      return { resolved: false, steps: [{ success: false, skipped: false, message: `pool_increase failed: ${messageOf(error, 300)}`, startedAt, durationMs: ctx.clock.now() - startedAt }] };
    }
  }

  /** Runs the request again in a pool an earlier error grew: one step, saying what happened. */
  private async rerun(ctx: RecoveryContext, name: string, room: number, usage: { max: number }, startedAt: number): Promise<StrategyOutcome> {
    const where = `pool already grown to ${usage.max} (${name}), room for ${room} more`;
    const details = { dataSource: name, max: usage.max, room };
    const blocker = replayBlocker(ctx);
    if (blocker) return steps.skip(ctx, `${where}; replay skipped: ${blocker}`, { ...details, replay: `skipped: ${blocker}` }, startedAt);
    try {
      const result = await ctx.replay!();
      return { resolved: true, result, steps: [steps.done(ctx, startedAt, true, `${where}: re-ran`, { ...details, replay: 'succeeded' })] };
    } catch (error) {
      return { resolved: false, steps: [steps.done(ctx, startedAt, false, `${where}: re-ran, failed again: ${messageOf(error, 300)}`, { ...details, replay: 'failed' })] };
    }
  }
}
