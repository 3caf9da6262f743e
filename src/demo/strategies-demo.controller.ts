import { Controller, Get, Query } from '@nestjs/common';
import { AiErrorHandler } from '../error-recovery/index.js';

const reset = (what: string) => Object.assign(new Error(`read ECONNRESET (${what})`), { code: 'ECONNRESET', syscall: 'read' });

/** Routes that show each recovery strategy at work (see the README's per-strategy curl examples). */
@Controller('demo')
export class StrategiesDemoController {
  private priceDown = false;
  private readonly failedReports = new Set<string>();

  /** Its own fallback answers when the quote service is down. */
  @Get('quote')
  @AiErrorHandler({ fallback: 'cachedQuote', strategies: ['fallback'] })
  quote(): never {
    throw reset('quote service');
  }

  cachedQuote(): { quote: string; source: string } {
    return { quote: 'Stay calm and recover', source: 'fallback' };
  }

  /** Served stale (fallback-stale) while `down=1` until a request without it. */
  @Get('price')
  @AiErrorHandler({ strategies: ['fallback'], parameters: { fallback: { staleCache: true } } })
  price(@Query('sku') sku = '1', @Query('down') down?: string): { sku: string; price: number; at: string } {
    this.priceDown = down === '1';
    if (this.priceDown) throw reset('pricing service');
    return { sku, price: 9.99, at: new Date().toISOString() };
  }

  /** `fail=1` overloads it: request_throttle then limits the route (2 at once, 30/min, for 60 s). */
  @Get('busy')
  @AiErrorHandler({ strategies: ['request_throttle'], parameters: { request_throttle: { requestsPerMinute: 30, burstSize: 2, coolDownMs: 60_000 } } })
  busy(@Query('fail') fail?: string): { ok: true } {
    if (fail === '1') throw Object.assign(new Error('upstream overloaded'), { response: { status: 503 } });
    return { ok: true };
  }

  /** One report at a time; a failed one is requeued at high priority (queue_priority). */
  @Get('report')
  @AiErrorHandler({ bulkhead: { concurrency: 1, queue: 20 }, strategies: ['queue_priority'] })
  async report(@Query('id') id = 'r1', @Query('ms') ms = '300', @Query('fail') fail?: string): Promise<{ id: string }> {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, Number(ms) || 0)));
    if (fail === '1' && !this.failedReports.has(id)) {
      this.failedReports.add(id);
      throw reset('report renderer');
    }
    return { id };
  }

  /** A payment provider that is down with `down=1`: retry, then the breaker opens and fails fast. */
  @Get('payments')
  @AiErrorHandler({ circuit: 'payments-provider', retry: { maxRetries: 1, delayMs: 100 } })
  payments(@Query('down') down?: string): { paid: true } {
    if (down === '1') throw reset('payment provider');
    return { paid: true };
  }
}
