import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { resolveOptions } from '../error-recovery-options.js';
import { isPayloadTooLargeError } from '../errors/payload-too-large.error.js';
import { isUnknownDeadLetterHandlerError } from '../errors/unknown-dead-letter-handler.error.js';
import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';
import { DeadLetterQueue } from './dead-letter-queue.service.js';
import type { DeadLetterRecord, DeadLetterStore } from './dead-letter-store.interface.js';
import type { DeadLetterWriter } from './dead-letter.writer.js';

const T0 = Date.parse('2026-12-03T10:00:00Z');

function setup(maxPayloadBytes = 1_048_576) {
  const options = resolveOptions(
    { service: 'orders', clock: { now: () => T0, sleep: async () => undefined }, deadLetters: { maxPayloadBytes, maxAttempts: 4 }, database: { dataDir: 'memory://', embedded: true } },
    {},
  );
  const inserted: DeadLetterRecord[] = [];
  const kept: DeadLetterRecord[] = [];
  const store = { connect: async () => undefined, insert: async (l: DeadLetterRecord) => void inserted.push(l) } as unknown as DeadLetterStore;
  const writer = { record: async (l: DeadLetterRecord) => void kept.push(l) } as unknown as DeadLetterWriter;
  const handlers = new DeadLetterHandlers({} as never, {} as never);
  handlers.add({ name: 'save_invoice', keepFields: ['card_token'], origin: 'Invoices.save', run: () => undefined });
  return { queue: new DeadLetterQueue(options, store, handlers, writer), inserted, kept };
}

describe('DeadLetterQueue', () => {
  afterEach(() => jest.restoreAllMocks());

  it('enqueue stores a pending item due now, scrubbed except the handler’s fields, with the queue’s runs on top of earlier ones', async () => {
    const { queue, inserted } = setup();
    const item = await queue.enqueue('save_invoice', { id: 1, card_token: 'tok', password: 'pw' }, { error: new Error('down, token=abc'), attempts: 2, delayMs: 500 });
    expect(inserted).toEqual([item]);
    expect(item).toMatchObject({
      service: 'orders',
      operation: 'save_invoice',
      handler: 'save_invoice',
      status: 'pending',
      attempts: 2,
      maxAttempts: 6,
      nextAttemptAt: new Date(T0 + 500),
      payload: { id: 1, card_token: 'tok', password: '[Filtered]' },
    });
    expect(item.errorMessage).not.toContain('abc');
  });

  it('throws at once for an unknown handler or a payload over the cap, storing nothing', () => {
    const { queue, inserted } = setup(100);
    let unknown: unknown;
    try {
      void queue.enqueue('save_invoce', {});
    } catch (e) {
      unknown = e;
    }
    expect(isUnknownDeadLetterHandlerError(unknown)).toBe(true);
    expect((unknown as Error).message).toContain('known: "save_invoice"');
    let tooLarge: unknown;
    try {
      void queue.enqueue('save_invoice', { items: Array.from({ length: 200 }, (_, i) => i) });
    } catch (e) {
      tooLarge = e;
    }
    expect(isPayloadTooLargeError(tooLarge)).toBe(true);
    expect(inserted).toEqual([]);
  });

  it('keeps a large payload whole under the cap: no item, key or character cut', async () => {
    const { queue } = setup();
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const long = 'x'.repeat(100_000);
    const item = await queue.enqueue('save_invoice', { items, long });
    expect(item.payload).toEqual({ items, long });
  });

  it('keep: pending with a handler, exhausted without one (and says so in the log), never throwing', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { queue, kept } = setup();
    const work = { payload: { password: 'pw' }, contextType: 'rpc' as const, attempts: 3, error: new Error('boom'), errorLogId: null };
    queue.keep({ ...work, operation: 'save_invoice' });
    queue.keep({ ...work, operation: 'orders.created' });
    expect(kept.map((k) => [k.operation, k.status, k.attempts, k.maxAttempts, k.nextAttemptAt])).toEqual([
      ['save_invoice', 'pending', 3, 7, new Date(T0)],
      ['orders.created', 'exhausted', 3, 3, null],
    ]);
    expect(kept[1]).toMatchObject({ payload: { password: '[Filtered]' }, errorMessage: 'boom' });
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining(`no @DeadLetterHandler('orders.created')`));
  });
});
