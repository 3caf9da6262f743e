import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  DeadLetterQueue,
  RecoveryEvents,
  isDuplicateDeadLetterHandlerError,
  isPayloadTooLargeError,
  isUnknownDeadLetterHandlerError,
  type ErrorRecoveryModuleOptions,
} from '../src/error-recovery/index.js';
import { Billing, DeadLettersModule, DuplicateHandler, InvoiceHandlers, NightlyExport, handlerRuns } from './fixtures/dead-letters.module.js';
import { HttpReceiver } from '../src/error-recovery/alerts/channels/http-receiver.spec-helper.js';
import { rawQuery, startApp } from './support/app.js';
import { DATABASE_URL, testDatabase, uniqueService, usingPostgres } from './support/database.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { eventually } from './support/polling.js';

const AUTH = { Authorization: 'Bearer dl-token' };

function options(service: string, extra: Partial<ErrorRecoveryModuleOptions> = {}): ErrorRecoveryModuleOptions {
  return {
    service,
    environment: 'production',
    adminToken: 'dl-token',
    database: testDatabase(),
    deadLetters: { pollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 20, batchSize: 5, leaseMs: 10_000 },
    ...extra,
  };
}

const itemsOf = (service: string): Promise<Record<string, unknown>[]> => rawQuery(`SELECT * FROM dead_letters WHERE service = $1 ORDER BY created_at, id`, [service]);

describe('dead-letter queue', () => {
  const apps: INestApplication[] = [];
  const start = async (opts: ErrorRecoveryModuleOptions, providers?: Parameters<typeof DeadLettersModule.forRoot>[1]): Promise<INestApplication> => {
    const app = await startApp([DeadLettersModule.forRoot(opts, providers)]);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  // Tests that write rows before their app starts need the tables: one app migrates them first.
  beforeAll(async () => {
    if (usingPostgres) await (await startApp([DeadLettersModule.forRoot(options(uniqueService('dlq-migrate')))])).close();
  });

  it('runs an enqueued item with backoff until its handler succeeds; the secret is scrubbed, the declared field kept', async () => {
    const service = uniqueService('dlq-run');
    const app = await start(options(service));
    const id = randomUUID();
    const item = await app.get(DeadLetterQueue).enqueue('save_invoice', { id, failures: 2, card_token: 'tok_123', password: 'hunter2' }, { error: new Error('db down, password=hunter2') });
    expect(item).toMatchObject({ status: 'pending', attempts: 0, maxAttempts: 5, payload: { id, card_token: 'tok_123', password: '[Filtered]' } });
    const [row] = await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'succeeded');
    expect(row).toMatchObject({ attempts: 3, handler: 'save_invoice', lease_owner: null, next_attempt_at: null });
    expect(String(row.error_message)).toContain('not saved (run 2)');
    expect(String(row.error_message)).not.toContain('sk_live_abcdef');
    expect(handlerRuns.get(id)).toBe(3);
    expect(InvoiceHandlers.received.filter((p) => p.id === id)[0]).toEqual({ id, failures: 2, card_token: 'tok_123', password: '[Filtered]' });
  });

  it('exhausts an item after its attempts, emits the event, and an operator can retry or discard it', async () => {
    const service = uniqueService('dlq-exhaust');
    const app = await start(options(service, { deadLetters: { pollIntervalMs: 20, baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 } }));
    const exhausted: string[] = [];
    app.get(RecoveryEvents).on('dead_letter.exhausted', (e) => exhausted.push(e.id));
    const id = randomUUID();
    const item = await app.get(DeadLetterQueue).enqueue('always_fails', { id });
    await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'exhausted');
    expect(handlerRuns.get(id)).toBe(2);
    expect(exhausted).toEqual([item.id]);
    const server = app.getHttpServer();

    const stats = (await request(server).get(`/api/errors/dead-letters/stats?service=${service}`).set(AUTH).expect(200)).body as Record<string, unknown>;
    expect(stats).toMatchObject({
      total_enqueued: 1,
      total_success: 0,
      total_failed: 1,
      total_discarded: 0,
      current_items: 0,
      status_breakdown: { pending: 0, retrying: 0, succeeded: 0, exhausted: 1, discarded: 0 },
      handlers: ['save_invoice', 'always_fails'],
    });

    const retried = (await request(server).post(`/api/errors/dead-letters/${item.id}/retry`).set(AUTH).expect(200)).body as Record<string, unknown>;
    expect(retried).toMatchObject({ status: 'pending', attempts: 2, max_attempts: 3 });
    await eventually(async () => handlerRuns.get(id), (n) => n === 3);
    await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'exhausted' && rows[0]?.attempts === 3);

    const discarded = (await request(server).post(`/api/errors/dead-letters/${item.id}/discard`).set(AUTH).expect(200)).body as Record<string, unknown>;
    expect(discarded).toMatchObject({ status: 'discarded' });
    const list = (await request(server).get(`/api/errors/dead-letters?service=${service}&status=discarded`).set(AUTH).expect(200)).body as { items: Record<string, unknown>[]; total: number };
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id: item.id, operation: 'always_fails', status: 'discarded' });
    await request(server).post(`/api/errors/dead-letters/${randomUUID()}/retry`).set(AUTH).expect(404);
    await request(server).get('/api/errors/dead-letters?status=lost').set(AUTH).expect(400);
    await request(server).get('/api/errors/dead-letters').expect(401);
  });

  it('alerts through the outbox when an item is exhausted and when the queue reaches its threshold', async () => {
    const webhook = new HttpReceiver();
    await webhook.start();
    try {
      const service = uniqueService('dlq-alerts');
      const app = await start(
        options(service, {
          deadLetters: { pollIntervalMs: 20, baseDelayMs: 60_000, maxAttempts: 2, alertThreshold: 2 },
          alerts: { webhook: { url: webhook.url('/hook'), secret: 's'.repeat(32), timeoutMs: 2000 }, pollIntervalMs: 50 },
        }),
      );
      const queue = app.get(DeadLetterQueue);
      // Two items that wait a minute after their first failure: the queue holds 2, its threshold.
      await queue.enqueue('always_fails', { id: randomUUID() });
      await queue.enqueue('always_fails', { id: randomUUID() });
      // One that fails at once for good.
      const doomed = await queue.enqueue('always_fails', { id: randomUUID() }, { maxAttempts: 1 });
      const kinds = (): { kind?: string; facts?: Record<string, string> }[] => webhook.received.map((r) => JSON.parse(r.body) as { kind?: string; facts?: Record<string, string> });
      const posts = await eventually(
        async () => kinds(),
        (p) => p.some((a) => a.kind === 'dead_letter_exhausted') && p.some((a) => a.kind === 'dead_letter_queue_high'),
      );
      expect(posts.find((a) => a.kind === 'dead_letter_exhausted')?.facts).toMatchObject({ Item: doomed.id, Operation: 'always_fails', Attempts: '1', 'Last error': 'the ledger refuses it' });
      expect(posts.find((a) => a.kind === 'dead_letter_queue_high')?.facts).toMatchObject({ Threshold: '2' });
    } finally {
      await webhook.stop();
    }
  });

  it('refuses an unknown handler and a payload too large, storing nothing', async () => {
    const service = uniqueService('dlq-refuse');
    const app = await start(options(service, { deadLetters: { maxPayloadBytes: 1000 } }));
    const queue = app.get(DeadLetterQueue);
    let thrown: unknown;
    try {
      await queue.enqueue('save_invoce', { id: 'x' });
    } catch (e) {
      thrown = e;
    }
    expect(isUnknownDeadLetterHandlerError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toContain('"save_invoice"');
    expect(() => queue.enqueue('save_invoice', { id: 'y', blob: 'x'.repeat(5000) })).toThrow(/over the 1000-byte cap/);
    try {
      await queue.enqueue('save_invoice', { id: 'y', blob: 'x'.repeat(5000) });
    } catch (e) {
      expect(isPayloadTooLargeError(e)).toBe(true);
    }
    expect(await itemsOf(service)).toEqual([]);
  });

  it('an item without a handler answers 409 on retry, and stays for an operator', async () => {
    const service = uniqueService('dlq-nohandler');
    const app = await start(options(service));
    const id = randomUUID();
    await rawQuery(
      `INSERT INTO dead_letters (id, created_at, updated_at, service, context_type, operation, handler, payload, attempts, max_attempts, error_message, status)
       VALUES ($1, now(), now(), $2, 'rpc', 'orders.lost', 'orders.lost', '{}', 3, 3, 'failed', 'exhausted')`,
      [id, service],
    );
    const answer = await request(app.getHttpServer()).post(`/api/errors/dead-letters/${id}/retry`).set(AUTH).expect(409);
    expect((answer.body as { message: string }).message).toContain(`@DeadLetterHandler('orders.lost')`);
    expect((await itemsOf(service))[0]).toMatchObject({ status: 'exhausted', attempts: 3 });
  });

  it('refuses to start with two handlers of one name', async () => {
    let thrown: unknown;
    try {
      await start(options(uniqueService('dlq-dup')), [InvoiceHandlers, DuplicateHandler]);
    } catch (e) {
      thrown = e;
    }
    expect(isDuplicateDeadLetterHandlerError(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(/"save_invoice" is declared twice/);
  });

  it('reclaims an item a dead process left running (at start-up on PostgreSQL), and runs it once', async () => {
    const service = uniqueService('dlq-crash');
    const id = randomUUID();
    const itemId = randomUUID();
    const insert = (): Promise<unknown> =>
      rawQuery(
        `INSERT INTO dead_letters (id, created_at, updated_at, service, context_type, operation, handler, payload, attempts, max_attempts, error_message, status, lease_owner, lease_expires_at)
         VALUES ($1, now() - interval '1 hour', now() - interval '1 hour', $2, 'job', 'save_invoice', 'save_invoice', $3::jsonb, 1, 5, 'first failure', 'retrying', 'dead-host:1', now() - interval '10 minutes')`,
        [itemId, service, JSON.stringify({ id })],
      );
    // The embedded database lives and dies with its app: there the row is left while the app runs,
    // and its next poll reclaims it (the same statement as at start-up).
    if (usingPostgres) await insert();
    const app = await start(options(service));
    if (!usingPostgres) await insert();
    const [row] = await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'succeeded');
    // The crashed run counted: 1 before, 1 crashed, 1 that succeeded.
    expect(row).toMatchObject({ attempts: 3, lease_owner: null });
    expect(String(row.error_message)).toContain('dead-host:1');
    expect(handlerRuns.get(id)).toBe(1);
    const stats = (await request(app.getHttpServer()).get('/api/errors/dead-letters/stats').set(AUTH).expect(200)).body as { startup_recovery: { reclaimed: number } };
    expect(stats.startup_recovery.reclaimed).toBe(usingPostgres ? 1 : 0);
  });

  it('keeps a withRecovery call that failed for good, and its handler runs it', async () => {
    const service = uniqueService('dlq-with');
    const app = await start(options(service), [InvoiceHandlers, Billing]);
    const id = randomUUID();
    await expect(app.get(Billing).charge(id)).rejects.toThrow(`payment gateway refused ${id}`);
    const [row] = await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'succeeded');
    expect(row).toMatchObject({ operation: 'save_invoice', attempts: 2, payload: { id, card_token: 'tok_9', password: '[Filtered]' } });
    expect(row.error_log_id).toEqual(expect.any(String));
    expect(handlerRuns.get(id)).toBe(1);
  });

  it('keeps a job that failed every @BackgroundRetry() attempt; without a handler it waits, exhausted, for an operator', async () => {
    const service = uniqueService('dlq-job');
    const app = await start(options(service), [InvoiceHandlers, NightlyExport]);
    const [row] = await eventually(() => itemsOf(service), (rows) => rows.length === 1);
    expect(app.get(NightlyExport).runs).toBe(2);
    expect(row).toMatchObject({ operation: 'nightly_export', context_type: 'job', status: 'exhausted', attempts: 2, max_attempts: 2, payload: { args: [] } });
    expect(row.error_message).toBe('export target unreachable');
  });

  (usingPostgres ? it : it.skip)('starts while its database is down, and recovers the crashed item once it is back', async () => {
    const service = uniqueService('dlq-down');
    const id = randomUUID();
    await rawQuery(
      `INSERT INTO dead_letters (id, created_at, updated_at, service, context_type, operation, handler, payload, attempts, max_attempts, error_message, status, lease_owner, lease_expires_at)
       VALUES ($1, now(), now(), $2, 'job', 'save_invoice', 'save_invoice', $3::jsonb, 1, 5, 'first failure', 'retrying', 'dead-host:2', now() - interval '1 minute')`,
      [randomUUID(), service, JSON.stringify({ id })],
    );
    const target = new URL(DATABASE_URL!);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    await proxy.stop();
    const viaProxy = new URL(DATABASE_URL!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    try {
      const app = await start(options(service, { database: { url: viaProxy.toString(), poolSize: 1, connectTimeoutMs: 300 } }));
      const recovered: unknown[] = [];
      app.get(RecoveryEvents).on('dead_letter.recovered', (e) => recovered.push(e));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(recovered).toEqual([]);
      expect((await itemsOf(service))[0]).toMatchObject({ status: 'retrying' });
      await proxy.start();
      await eventually(() => itemsOf(service), (rows) => rows[0]?.status === 'succeeded');
      expect(recovered).toEqual([{ reclaimed: 1, exhausted: 0, pending: 1 }]);
      expect(handlerRuns.get(id)).toBe(1);
    } finally {
      for (const app of apps.splice(0)) await app.close();
      await proxy.stop();
    }
  });

  (usingPostgres ? it : it.skip)('two instances on one database share the work and run each item exactly once', async () => {
    const service = uniqueService('dlq-shared');
    const a = await start(options(service, { deadLetters: { process: false } }));
    const ids = Array.from({ length: 60 }, () => randomUUID());
    const queue = a.get(DeadLetterQueue);
    for (const id of ids) await queue.enqueue('save_invoice', { id, failures: id.charCodeAt(0) % 2 });
    // Both start processing at once, on one database.
    const b = await start(options(service, { deadLetters: { pollIntervalMs: 10, baseDelayMs: 1, maxDelayMs: 2, batchSize: 4 } }));
    const c = await start(options(service, { deadLetters: { pollIntervalMs: 10, baseDelayMs: 1, maxDelayMs: 2, batchSize: 4 } }));
    await eventually(() => itemsOf(service), (rows) => rows.length === 60 && rows.every((r) => r.status === 'succeeded'), 30_000);
    for (const id of ids) expect(handlerRuns.get(id)).toBe(1 + (id.charCodeAt(0) % 2));
    // Both did part of it.
    expect(b.get(InvoiceHandlers).runs).toBeGreaterThan(0);
    expect(c.get(InvoiceHandlers).runs).toBeGreaterThan(0);
  }, 40_000);
});
