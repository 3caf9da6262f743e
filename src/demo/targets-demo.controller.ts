import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AiErrorHandler, StaleCacheError } from '../error-recovery/index.js';
import { CatalogCache, SearchClient } from './demo-targets.js';

interface Product {
  id: string;
  price: number;
}

/** Routes whose recovery acts on a registered target: a cache, a pool, a restartable client. */
@Controller('demo')
export class TargetsDemoController {
  constructor(
    private readonly catalog: CatalogCache,
    private readonly searchClient: SearchClient,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** Reads through the catalogue cache. `/demo/catalog/poison` stores a bad entry: cache_clear recovers. */
  @Get('catalog')
  @AiErrorHandler({ strategies: ['cache_clear'], parameters: { cache_clear: { clearPattern: '*' } } })
  product(@Query('id') id = '1'): { id: string; price: string } {
    let cached = this.catalog.entries.get(id) as Product | undefined;
    if (!cached) {
      cached = { id, price: 19.9 };
      this.catalog.entries.set(id, cached);
    }
    // A value of the wrong shape is stale: saying so is the evidence cache_clear acts on.
    if (typeof cached.price !== 'number') throw new StaleCacheError(`catalog entry ${id} has no numeric price`);
    return { id: cached.id, price: cached.price.toFixed(2) };
  }

  @Get('catalog/poison')
  poison(@Query('id') id = '1'): { poisoned: string } {
    this.catalog.entries.set(id, { id, price: 'not a number' });
    return { poisoned: id };
  }

  /** Drops the search client's connection: the next /demo/search is recovered by service_restart. */
  @Get('search/disconnect')
  disconnect(): { connected: false } {
    this.searchClient.connected = false;
    return { connected: false };
  }

  @Get('search')
  @AiErrorHandler({ strategies: ['service_restart'], parameters: { service_restart: { target: 'search-client' } } })
  search(@Query('q') q = 'nest'): { q: string; hits: string[] } {
    return this.searchClient.search(q);
  }

  /** Holds one of the demo pool's connections for `ms` (at most 30 s). */
  @Get('hold')
  async hold(@Query('ms') ms = '5000'): Promise<{ held: number }> {
    const seconds = Math.min(30_000, Math.max(0, Number(ms) || 0)) / 1000;
    await this.dataSource.query('SELECT pg_sleep($1)', [seconds]);
    return { held: seconds * 1000 };
  }

  /** A query that needs a pool connection: with the pool held, pool_increase grows it (PostgreSQL only). */
  @Get('orders')
  async orders(): Promise<{ now: unknown }> {
    const [row] = (await this.dataSource.query('SELECT now() AS now')) as { now: unknown }[];
    return { now: row.now };
  }

  /** A MemoryError: resource_scale asks the configured scaler for capacity (AUTO_SCALE_ON_ERROR). */
  @Get('memory')
  memory(): never {
    throw new RangeError('Array buffer allocation failed');
  }
}
