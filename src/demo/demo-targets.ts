import { Injectable } from '@nestjs/common';
import { ClearableCacheTarget, RestartableTarget, type ClearableCache, type Restartable } from '../error-recovery/index.js';

/** The demo's product catalogue cache, cleared by cache_clear. */
@Injectable()
@ClearableCacheTarget()
export class CatalogCache implements ClearableCache {
  readonly name = 'catalog';
  readonly entries = new Map<string, unknown>();

  clear(): number {
    const n = this.entries.size;
    this.entries.clear();
    return n;
  }
}

/** A client of a search service that can lose its connection; service_restart reconnects it. */
@Injectable()
@RestartableTarget()
export class SearchClient implements Restartable {
  readonly name = 'search-client';
  connected = true;
  restarts = 0;

  async restart(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50)); // "reconnecting"
    this.connected = true;
    this.restarts++;
  }

  async healthCheck(): Promise<boolean> {
    return this.connected;
  }

  search(q: string): { q: string; hits: string[] } {
    if (!this.connected) throw Object.assign(new Error('search client: connection closed'), { code: 'ECONNRESET' });
    return { q, hits: [`${q} — result 1`, `${q} — result 2`] };
  }
}
