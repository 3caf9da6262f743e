import { Injectable } from '@nestjs/common';
import { RegisterHealthCheck } from '../error-recovery/index.js';
import { FlakyDependency } from './flaky.dependency.js';

/**
 * The demo's inventory service: the flaky dependency, with outages the demo starts on demand.
 * Its calls and its health check go through the same dependency, so the check sees the outage end.
 */
@Injectable()
export class InventoryClient {
  private outage = 0;
  private failures = 0;

  constructor(private readonly flaky: FlakyDependency) {}

  /** The next `calls` calls (routes and health checks alike) fail with ECONNRESET. */
  startOutage(calls: number): void {
    this.outage++;
    this.failures = calls;
  }

  stock(sku: string): Promise<{ sku: string; in_stock: number }> {
    return this.flaky.call(`inventory-${this.outage}`, this.failures).then(() => ({ sku, in_stock: 7 }));
  }

  /** The custom health check: the inventory answers. Tied to the `inventory` breaker. */
  @RegisterHealthCheck('inventory', { breaker: 'inventory', timeoutMs: 1000 })
  async ping(): Promise<void> {
    await this.flaky.call(`inventory-${this.outage}`, this.failures);
  }
}
