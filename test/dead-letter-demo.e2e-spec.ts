import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADMIN_TOKEN, startDemo } from './support/demo-app.js';
import { eventually } from './support/polling.js';

describe('demo: an invoice that lands in the dead-letter queue and is retried once its handler succeeds', () => {
  let app: INestApplication;

  beforeAll(async () => {
    ({ app } = await startDemo('demo-dlq', { deadLetters: { pollIntervalMs: 20, baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 2 } }));
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps the invoice while the ledger is down, exhausts it, and an operator retry saves it once the ledger is up', async () => {
    const server = app.getHttpServer();
    const kept = (await request(server).post('/demo/invoices?id=inv-7').expect(202)).body as { saved: boolean; dead_letter_id: string };
    expect(kept.saved).toBe(false);
    const view = (): Promise<Record<string, unknown>> => request(server).get(`/demo/invoices/${kept.dead_letter_id}`).then((r) => r.body as Record<string, unknown>);
    // Two runs of the handler while the ledger is down: exhausted.
    expect(await eventually(view, (v) => v.status === 'exhausted')).toEqual({ status: 'exhausted', attempts: 2, saved: false, replays: 2 });

    const item = (await request(server).get(`/api/errors/dead-letters/${kept.dead_letter_id}`).set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).expect(200)).body as Record<string, unknown>;
    expect(item).toMatchObject({ operation: 'demo_save_invoice', payload: { id: 'inv-7', card_token: 'tok_inv-7', password: '[Filtered]' } });
    expect(String(item.error_message)).toContain('ledger unavailable');

    await request(server).post('/demo/ledger/up').expect(200, { ledger: 'up' });
    await request(server).post(`/api/errors/dead-letters/${kept.dead_letter_id}/retry`).set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).expect(200);
    expect(await eventually(view, (v) => v.status === 'succeeded')).toEqual({ status: 'succeeded', attempts: 3, saved: true, replays: 3 });
    // With the ledger up, a new invoice is saved at once: nothing is kept.
    expect((await request(server).post('/demo/invoices?id=inv-8').expect(202)).body).toEqual({ saved: true });
    await request(server).post('/demo/ledger/down').expect(200, { ledger: 'down' });
  });
});
