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
  /** Aborts the wait for `revertAt` (re-growth, revert, shutdown). */
  timer: AbortController;
}

/**
 * Pool sizes pool_increase changed, and the timers that put them back: a grown pool shrinks to its
 * original size `coolDownMs` after its last growth. Shrinking lowers `max` only; connections above
 * it close as they go idle (pg-pool's idle timeout), nothing in use is cut. Time is the module's
 * clock (`options.clock`), both for `revert_at` and for the wait, so the two never disagree; a
 * clock whose `sleep` does not pass time leaves the revert to the next read past `revert_at`.
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
    this.revertIfDue(name);
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
    growth?.timer.abort();
    const revertAt = this.options.clock.now() + p.coolDownMs;
    const timer = new AbortController();
    this.growths.set(name, { pool, original, ceiling: p.ceiling, revertAt, timer });
    void this.waitAndRevert(name, revertAt, timer.signal);
    return { from, to: decision.to, original, ceiling: p.ceiling, revertAt };
  }

  /** Whether this pool (this very object) was grown and has not shrunk back yet. */
  isGrown(name: string, pool: ResizablePool): boolean {
    this.revertIfDue(name);
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
      this.revertIfDue(name);
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
    this.growths.get(name)?.timer.abort();
    this.growths.delete(name);
  }

  /** Waits on the module clock until `revertAt` (unref'd: it never holds the process), then reverts. */
  private async waitAndRevert(name: string, revertAt: number, signal: AbortSignal): Promise<void> {
    const clock = this.options.clock;
    try {
      for (let left = revertAt - clock.now(); left > 0; left = revertAt - clock.now()) {
        const before = clock.now();
        await clock.sleep(left, signal, { unref: true });
        // A clock whose sleep passes no time (a test's): waiting again would spin; reads settle it.
        if (clock.now() === before) return;
      }
    } catch {
      return; // aborted: re-grown, reverted by hand, or shut down
    }
    if (!signal.aborted) this.revert(name);
  }

  /** Reverts a growth whose `revert_at` the clock has passed, should its wait not have done it. */
  private revertIfDue(name: string): void {
    const growth = this.growths.get(name);
    if (growth && this.options.clock.now() >= growth.revertAt) this.revert(name);
  }
}
