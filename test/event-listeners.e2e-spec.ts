import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import type { Clock } from '../src/error-recovery/index.js';
import { EventListenersModule, OrderListeners, runs } from './fixtures/event-listeners.module.js';
import { actionsOf, flushed, rowsOf } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** A clock whose sleeps pass at once, and remembers them: the backoff is asserted, not waited for. */
const slept: number[] = [];
const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void slept.push(ms) };

describe('@OnEvent listeners', () => {
  let app: INestApplication;
  let emitter: EventEmitter2;
  const service = uniqueService('events');

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [EventListenersModule.forRoot({ service, environment: 'production', adminToken: 't', database: testDatabase(), clock })] }).compile();
    app = ref.createNestApplication({ logger: false });
    await app.init();
    emitter = app.get(EventEmitter2);
  });
  afterAll(() => app.close());

  const rowsFor = async (operation: string): Promise<Record<string, unknown>[]> => {
    await flushed(app);
    return (await rowsOf(service)).filter((r) => r.operation === operation);
  };

  it('stores a listener that throws with its event and scrubbed payload; the emitter goes on as without the module', async () => {
    slept.length = 0;
    // The emitter's default (`suppressErrors`) logs the error: emitting does not fail.
    await expect(emitter.emitAsync('order.created', { orderId: 7, password: 'hunter2' })).resolves.toEqual([undefined]);
    expect(runs.created).toBe(1);
    expect(slept).toEqual([]);

    const rows = await rowsFor('order.created');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'event', operation: 'order.created', message: 'stock service refused order 7', resolved_at: null });
    expect(rows[0].context).toEqual({ payload: { orderId: 7, password: '[Filtered]' } });
  });

  it('retries a listener with @BackgroundRetry that fails once: recovered, the retry recorded', async () => {
    slept.length = 0;
    await expect(emitter.emitAsync('invoice.due', { invoiceId: 3 })).resolves.toEqual(['booked']);
    expect(runs.invoice).toBe(2);
    expect(slept).toEqual([1000]);

    const rows = await rowsFor('invoice.due');
    expect(rows).toHaveLength(1);
    expect(rows[0].resolved_at).not.toBeNull();
    const actions = await actionsOf(String(rows[0].id));
    expect(actions).toEqual([expect.objectContaining({ strategy: 'retry', success: true })]);
  });

  it('a listener that fails every retry: one row, each retry recorded as failed, backoff doubling', async () => {
    slept.length = 0;
    await emitter.emitAsync('refund.requested', { refundId: 9 });
    expect(runs.refund).toBe(3);
    expect(slept).toEqual([500, 1000]);

    const rows = await rowsFor('refund.requested');
    expect(rows).toHaveLength(1);
    expect(rows[0].resolved_at).toBeNull();
    const actions = await actionsOf(String(rows[0].id));
    expect(actions.map((a) => [a.strategy, a.success])).toEqual([
      ['retry', false],
      ['retry', false],
    ]);
  });

  it('with suppressErrors: false the error still reaches the emitter, and is stored once', async () => {
    await expect(emitter.emitAsync('payment.failed', { paymentId: 1 })).rejects.toThrow('payment alert not sent');
    expect(await rowsFor('payment.failed')).toHaveLength(1);
  });

  it('a synchronous listener that succeeds stays synchronous, and leaves no row', async () => {
    expect(app.get(OrderListeners).onViewed({ orderId: 5 })).toBe(5);
    await expect(emitter.emitAsync('order.viewed', { orderId: 5 })).resolves.toEqual([5]);
    expect(await rowsFor('order.viewed')).toEqual([]);
  });
});
