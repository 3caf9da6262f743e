import { Injectable } from '@nestjs/common';
import { PoolSizesRegistry } from '../state/pool-sizes.registry.js';
import { reasonNotToGrow } from '../state/pool-size.policy.js';
import { chooseDataSource } from '../targets/choose-data-source.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { resizablePool } from '../targets/pg-pool.js';
import type { RecoveryContext, RecoveryStrategy, StrategyOutcome, StrategyStep } from './recovery-strategy.interface.js';
import { RegisterStrategy } from './register-strategy.decorator.js';
import { steps } from './strategy-steps.js';
import { thenReplay } from './then-replay.js';

const text = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);
const codeOf = (error: unknown): string | undefined => {
  const code: unknown = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Grows the pg pool of the failing PostgreSQL DataSource (`max` × incrementPercent / 100, up to
 * `ceiling`), then runs the request again when that is safe. The pool shrinks back `coolDownMs`
 * after its last growth (see `PoolSizesRegistry`). Only for transient errors of an exhausted pool.
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
      const notHelpful = reasonNotToGrow(ctx.classification.message, codeOf(ctx.error), usage, this.pools.isGrown(name, pool));
      if (notHelpful) return skipped(`${notHelpful} (${name})`, { dataSource: name, ...usage });
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
      return { resolved: false, steps: [{ success: false, skipped: false, message: `pool_increase failed: ${text(error)}`, startedAt, durationMs: ctx.clock.now() - startedAt }] };
    }
  }
}
