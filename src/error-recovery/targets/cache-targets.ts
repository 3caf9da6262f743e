import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleLogger } from '../common/log-line.js';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import type { ClearableCache } from '../common/recovery-target.interface.js';
import { CacheManagerTarget, isCacheManagerLike } from './cache-manager-target.js';
import { CustomCacheTarget } from './cache-custom-target.js';
import { QueryResultCacheTarget } from './cache-query-result-target.js';
import { ClearableCacheTarget } from './cache-target.decorator.js';
import { discoverProviders } from '../common/discover-providers.js';
import type { CacheTarget, CacheTargetView } from './cache-target.interface.js';
import { DataSourceTargets } from './data-source.targets.js';

/** The injection token of @nestjs/cache-manager (`CACHE_MANAGER` in its cache.constants). */
const CACHE_MANAGER = 'CACHE_MANAGER';

const isClearableCache = (value: unknown): value is ClearableCache =>
  typeof value === 'object' && value !== null && typeof (value as ClearableCache).name === 'string' && typeof (value as ClearableCache).clear === 'function';

/**
 * The caches of the app the cache_clear strategy may clear: the @nestjs/cache-manager cache when
 * there is one and `ClearableCache`s (`targets.caches` and providers marked `@ClearableCacheTarget()`),
 * found once at start-up; and the query-result caches of the app's TypeORM DataSources, looked up
 * at each call because a DataSource has its cache only once it is initialised.
 */
@Injectable()
export class CacheTargets implements OnModuleInit {
  private readonly logger = new ModuleLogger();
  private cacheManagerTarget: CacheTarget | undefined;
  private customTargets: CacheTarget[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly dataSources: DataSourceTargets,
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
  ) {}

  onModuleInit(): void {
    this.cacheManagerTarget = this.cacheManager();
    this.customTargets = this.customCaches().map((cache) => new CustomCacheTarget(cache));
  }

  /** The caches that can be cleared now: cache-manager, then query-result, then custom ones. */
  targets(): CacheTarget[] {
    const queryResult = this.dataSources
      .list()
      .filter((t) => t.dataSource.queryResultCache !== undefined)
      .map((t) => new QueryResultCacheTarget(t.dataSource, t.name));
    return [...(this.cacheManagerTarget ? [this.cacheManagerTarget] : []), ...queryResult, ...this.customTargets];
  }

  /** The clearable caches, for the admin API. */
  list(): CacheTargetView[] {
    return this.targets().map((t) => ({ name: t.name, type: t.kind }));
  }

  private cacheManager(): CacheTarget | undefined {
    let cache: unknown;
    try {
      cache = this.moduleRef.get(CACHE_MANAGER, { strict: false });
    } catch {
      return undefined; // the app has no CacheModule: nothing to clear there
    }
    if (isCacheManagerLike(cache)) return new CacheManagerTarget(cache);
    this.logger.warn('CACHE_MANAGER is not a cache-manager v6/v7 cache (no clear()/mdel()); cache_clear leaves it alone.');
    return undefined;
  }

  private customCaches(): ClearableCache[] {
    const caches = new Set<ClearableCache>(this.options.targets.caches ?? []);
    const label = { decorator: '@ClearableCacheTarget()', kind: 'cache targets', needs: '"name" and "clear()"' };
    for (const { instance } of discoverProviders(this.discovery, ClearableCacheTarget.KEY, isClearableCache, label, this.logger)) {
      caches.add(instance);
    }
    return [...caches];
  }
}
