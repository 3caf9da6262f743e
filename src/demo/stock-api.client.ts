import { Injectable } from '@nestjs/common';
import { CircuitBreaker } from '../error-recovery/index.js';

/** Stands in for an inventory API behind a breaker declared by its decorator. */
@Injectable()
export class StockApiClient {
  /** Times the "API" was really called (a refused call never gets here). */
  calls = 0;

  @CircuitBreaker({ name: 'demo-inventory', preset: 'external_api', failureThreshold: 2, timeoutSeconds: 30 })
  async stock(sku: string, fail: boolean): Promise<{ sku: string; inStock: number }> {
    this.calls++;
    if (fail) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9 (demo inventory API)'), { code: 'ECONNREFUSED' });
    return { sku, inStock: 7 };
  }
}
