import type { DataSource } from 'typeorm';
import type { CacheClearResult, CacheTarget } from './cache-target.interface.js';
import { matchesEverything } from './cache-pattern.js';

/**
 * TypeORM's query-result cache (`cache` option of a DataSource). It can only be cleared as a whole:
 * TypeORM offers removal by cache id, not listing, so a pattern other than `*` is skipped.
 */
export class QueryResultCacheTarget implements CacheTarget {
  readonly kind = 'query-result';
  readonly name: string;

  /** `dataSourceName` as `DataSourceTargets` names it: `default`, or the @nestjs/typeorm connection name. */
  constructor(
    private readonly dataSource: DataSource,
    dataSourceName: string,
  ) {
    this.name = `query-result:${dataSourceName}`;
  }

  async clear(pattern: string): Promise<CacheClearResult> {
    const cache = this.dataSource.queryResultCache;
    if (!cache) return { kind: 'skipped', reason: 'query-result cache not enabled on this DataSource' };
    if (!matchesEverything(pattern)) return { kind: 'skipped', reason: 'pattern not supported by this store' };
    await cache.clear();
    return { kind: 'cleared', keys: null };
  }
}
