import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { DataSourceTargets } from '../targets/data-source.targets.js';
import { resizablePool, type ResizablePool } from '../targets/pg-pool.js';
import { decidePoolGrowth } from './pool-size.policy.js';

/** A PostgreSQL DataSource's pool, as the API lists it. */
export interface PoolSizeView {
  data_source: string;
  /** Size before pool_increase grew it (the configured size when it has not). */
  original_max: number;
  current_max: number;
  /** Ceiling of the last growth; null when the pool was not grown. */
  ceiling: number | null;
  open_connections: number;
  idle_connections: number;
  waiting: number;
  /** When it shrinks back to `original_max`; null when it was not grown. */
  revert_at: string | null;
}

/** What one growth did. */
export interface PoolGrowth {
  from: number;
  to: number;
  original: number;
  ceiling: number;
  revertAt: number;
}

interface Growth {
  pool: ResizablePool;
  original: number;
  ceiling: number;
  revertAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Pool sizes pool_increase changed, and the timers that put them back: a grown pool shrinks to its
 * original size `coolDownMs` after its last growth. Shrinking lowers `max` only; connections above
 * it close as they go idle (pg-pool's idle timeout), nothing in use is cut.
 */
@Injectable()
export class PoolSizesRegistry implements OnModuleDestroy {
  private readonly logger = new ModuleLogger();
  private readonly growths = new Map<string, Growth>();

  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    private readonly targets: DataSourceTargets,
  ) {}

  /** Grows the pool of DataSource `name` per the policy, or says why not. */
  grow(name: string, pool: ResizablePool, p: { incrementPercent: number; ceiling: number; coolDownMs: number }): PoolGrowth | { skip: string } {
    let growth = this.growths.get(name);
    if (growth && growth.pool !== pool) {
      // The DataSource got a new pool (restarted): it starts from its configured size again.
      this.forget(name);
      growth = undefined;
    }
    const from = pool.options.max;
    const decision = decidePoolGrowth(from, p.incrementPercent, p.ceiling);
    if (!decision.grow) return { skip: decision.reason };
    pool.options.max = decision.to;
    const original = growth?.original ?? from;
    if (growth) clearTimeout(growth.timer);
    const revertAt = this.options.clock.now() + p.coolDownMs;
    const timer = setTimeout(() => this.revert(name), p.coolDownMs);
    timer.unref();
    this.growths.set(name, { pool, original, ceiling: p.ceiling, revertAt, timer });
    return { from, to: decision.to, original, ceiling: p.ceiling, revertAt };
  }

  /** Whether this pool (this very object) was grown and has not shrunk back yet. */
  isGrown(name: string, pool: ResizablePool): boolean {
    return this.growths.get(name)?.pool === pool;
  }

  /** Shrinks a grown pool back to its original size now. False when it was not grown. */
  revert(name: string): boolean {
    const growth = this.growths.get(name);
    if (!growth) return false;
    this.forget(name);
    const from = growth.pool.options.max;
    growth.pool.options.max = growth.original;
    this.logger.log(`pool max ${from} → ${growth.original} (${name}): cool-down over`);
    return true;
  }

  /** Every PostgreSQL DataSource with a real pool, grown or not. */
  list(): PoolSizeView[] {
    const views: PoolSizeView[] = [];
    for (const { name, dataSource } of this.targets.postgres()) {
      const found = resizablePool(dataSource);
      if (!('pool' in found)) continue;
      const { pool } = found;
      const growth = this.growths.get(name);
      const grown = growth?.pool === pool ? growth : undefined;
      views.push({
        data_source: name,
        original_max: grown?.original ?? pool.options.max,
        current_max: pool.options.max,
        ceiling: grown?.ceiling ?? null,
        open_connections: pool.totalCount,
        idle_connections: pool.idleCount,
        waiting: pool.waitingCount,
        revert_at: grown ? new Date(grown.revertAt).toISOString() : null,
      });
    }
    return views;
  }

  /** Timers only: the pools close with their DataSources. */
  onModuleDestroy(): void {
    for (const name of [...this.growths.keys()]) this.forget(name);
  }

  private forget(name: string): void {
    const growth = this.growths.get(name);
    if (growth) clearTimeout(growth.timer);
    this.growths.delete(name);
  }
}
