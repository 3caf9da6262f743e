import type { INestApplication } from '@nestjs/common';
import { type Clock } from '../../src/error-recovery/index.js';
import { AlertDeliveryWorker } from '../../src/error-recovery/alerts/alert-delivery.worker.js';
import { AlertQueue } from '../../src/error-recovery/alerts/alert-queue.js';
import { flushed, rawQuery } from './app.js';

/**
 * The time of alert test apps: dedup windows, backoff and leases follow it, and tests move it by
 * hand. Sleeps (the retry strategy's delays) are real but capped at 5 ms.
 */
export class ManualClock implements Clock {
  constructor(private at = Date.parse('2026-12-02T14:02:00Z')) {}

  now(): number {
    return this.at;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
  }

  advanceMinutes(n: number): void {
    this.at += n * 60_000;
  }
}

/** Hands the captured errors' alerts to the outbox and runs one delivery round (after any under way). */
export async function deliver(app: INestApplication): Promise<void> {
  await flushed(app);
  if (!(await app.get(AlertQueue).flush(10_000))) throw new Error(`alert queue did not drain: ${JSON.stringify(app.get(AlertQueue).stats())}`);
  await app.get(AlertDeliveryWorker).tick();
}

/** Empties the outbox tables of a test file's own database (`table` qualifies a name). */
export async function emptyOutbox(table: (name: string) => string): Promise<void> {
  for (const name of ['alert_outbox', 'alert_dedup', 'alert_bursts']) await rawQuery(`DELETE FROM ${table(name)}`).catch(() => undefined);
}
