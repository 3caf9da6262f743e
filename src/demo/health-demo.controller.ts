import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { AiErrorHandler } from '../error-recovery/index.js';
import { InventoryClient } from './inventory.client.js';

/**
 * Health-driven recovery in the demo: start an inventory outage, watch the `inventory` breaker open
 * on failed calls, then `GET /api/errors/health?refresh=true` — the inventory check passes, the breaker
 * goes half-open at once, and the next call closes it. The probes are `/health/live` and `/health/ready`.
 */
@Controller('demo/health')
export class HealthDemoController {
  constructor(private readonly inventory: InventoryClient) {}

  /** The next `calls` inventory calls fail (default 2: enough to open the breaker). */
  @Post('outage')
  @HttpCode(200)
  outage(@Query('calls') calls = '2'): { failing_calls: number } {
    const n = Math.max(0, Math.min(100, Number(calls) || 0));
    this.inventory.startOutage(n);
    return { failing_calls: n };
  }

  /** A call through the `inventory` breaker (opens after 2 failures, 60 s, one probe). */
  @Get('stock')
  @AiErrorHandler({ circuit: 'inventory', strategies: ['circuit_break'], circuitBreaker: { failureThreshold: 2, timeoutSeconds: 60, halfOpenRequests: 1 } })
  stock(@Query('sku') sku = 'sku-1'): Promise<{ sku: string; in_stock: number }> {
    return this.inventory.stock(sku);
  }
}
