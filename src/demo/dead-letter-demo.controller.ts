import { Controller, Get, HttpCode, Injectable, Module, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { DeadLetterHandler, DeadLetterQueue } from '../error-recovery/index.js';

/** An invoice as the demo's ledger takes it. `card_token` is needed to charge again; `password` is not. */
interface Invoice {
  id: string;
  total: number;
  card_token: string;
  password: string;
}

/** Stands in for a ledger service that is down until the demo's switch says otherwise. */
@Injectable()
export class DemoLedger {
  down = true;
  readonly saved = new Map<string, Invoice>();
  /** Runs of the dead-letter handler, by invoice id. */
  readonly replays = new Map<string, number>();

  save(invoice: Invoice): void {
    if (this.down) throw new Error(`ledger unavailable: invoice ${invoice.id} not saved`);
    if (this.saved.size > 10_000) this.saved.clear();
    this.saved.set(invoice.id, invoice);
  }

  /** Runs an invoice kept in the dead-letter queue again; the card token is kept in clear for it, the password scrubbed. */
  @DeadLetterHandler('demo_save_invoice', { keepFields: ['card_token'] })
  replay(invoice: Invoice): void {
    this.replays.set(invoice.id, (this.replays.get(invoice.id) ?? 0) + 1);
    this.save(invoice);
  }
}

/**
 * The dead-letter queue: `POST /demo/invoices?id=` fails while the ledger is down and keeps the
 * invoice in the queue; its handler retries it with backoff, and succeeds once
 * `POST /demo/ledger/up` flipped the switch (or an operator's `POST /api/errors/dead-letters/:id/retry`).
 */
@Controller('demo')
export class DeadLetterDemoController {
  constructor(
    private readonly ledger: DemoLedger,
    private readonly queue: DeadLetterQueue,
  ) {}

  @Post('invoices')
  @HttpCode(202)
  async invoice(@Query('id') id = 'inv-1'): Promise<{ saved: boolean; dead_letter_id?: string }> {
    const invoice: Invoice = { id, total: 42, card_token: `tok_${id}`, password: 'not-for-the-queue' };
    try {
      this.ledger.save(invoice);
      return { saved: true };
    } catch (error) {
      // Nothing lost: the work waits in the queue for its handler, and the client hears so.
      const item = await this.queue.enqueue('demo_save_invoice', invoice, { error });
      return { saved: false, dead_letter_id: item.id };
    }
  }

  @Post('ledger/:state')
  @HttpCode(200)
  switchLedger(@Param('state') state: string): { ledger: 'up' | 'down' } {
    if (state !== 'up' && state !== 'down') throw new NotFoundException('Use POST /demo/ledger/up or /demo/ledger/down.');
    this.ledger.down = state === 'down';
    return { ledger: state };
  }

  /** A public view of one kept invoice (the admin API has the full item). */
  @Get('invoices/:deadLetterId')
  async status(@Param('deadLetterId', new ParseUUIDPipe()) deadLetterId: string): Promise<Record<string, unknown>> {
    const item = await this.queue.findById(deadLetterId);
    if (!item) throw new NotFoundException(`No kept invoice ${deadLetterId}.`);
    const invoiceId = (item.payload as { id?: string }).id ?? '';
    return { status: item.status, attempts: item.attempts, saved: this.ledger.saved.has(invoiceId), replays: this.ledger.replays.get(invoiceId) ?? 0 };
  }
}

/** The demo's dead-letter routes and their handler, imported by the demo module. */
@Module({ controllers: [DeadLetterDemoController], providers: [DemoLedger] })
export class DeadLetterDemoModule {}
