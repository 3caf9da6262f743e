import { createServer } from 'node:net';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import type { DeadLetterRecord, DeadLetterStore } from '../src/error-recovery/dead-letters/dead-letter-store.interface.js';
import { DeadLetterWriter } from '../src/error-recovery/dead-letters/dead-letter.writer.js';
import { ErrorLogWriter } from '../src/error-recovery/persistence/error-log.writer.js';
import type { Clock, ErrorRecoveryModuleOptions } from '../src/error-recovery/index.js';
import { HandlerLog, MicroserviceModule, pattern } from './fixtures/microservice.module.js';
import { actionsOf, createApp, initApp, rawQuery, rowsOf } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';
import { eventually } from './support/polling.js';

const NATS_URL = 'nats://127.0.0.1:4222';

/** Backoff without waiting: every sleep resolves at once, and its length is kept for the assertions. */
function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.now(), sleep: async (ms) => void slept.push(ms) };
}

const options = (service: string, clock: Clock): ErrorRecoveryModuleOptions => ({ service, environment: 'production', adminToken: 't', database: testDatabase(), clock });

/** A loopback port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The error a `send()` fails with. */
async function failureOf(client: ClientProxy, name: string, data: unknown): Promise<unknown> {
  try {
    await firstValueFrom(client.send(pattern(name), data));
  } catch (error) {
    return error;
  }
  throw new Error(`${name} did not fail`);
}

const deadLettersOf = (service: string): Promise<Record<string, unknown>[]> => rawQuery(`SELECT * FROM dead_letters WHERE service = $1 ORDER BY created_at, id`, [service]);

/** Waits until the app stored every queued error and dead letter. */
async function stored(app: INestApplication | INestMicroservice): Promise<void> {
  expect(await app.get(ErrorLogWriter).flush(10_000)).toBe(true);
  expect(await app.get(DeadLetterWriter).drain(10_000)).toBe(true);
}

/** The rows of `service` whose operation is `name`'s pattern, once `count` of them are stored. */
async function rowsFor(app: INestApplication | INestMicroservice, service: string, name: string, count: number): Promise<Record<string, unknown>[]> {
  return eventually(
    async () => {
      await stored(app);
      return (await rowsOf(service)).filter((r) => r.operation === pattern(name));
    },
    (rows) => rows.length >= count,
  );
}

/**
 * The behaviour every transport shares, against a running app and a client of its transport:
 * request-response answers and rows, and events retried, recovered or dead-lettered.
 */
function sharedBehaviour(transport: 'tcp' | 'nats', setup: () => { app: INestApplication | INestMicroservice; client: ClientProxy; service: string; clock: Clock & { slept: number[] } }): void {
  it('answers as usual when nothing fails', async () => {
    const { client } = setup();
    expect(await firstValueFrom(client.send(pattern('echo'), { a: 1 }))).toEqual({ a: 1 });
  });

  it('answers an unknown error with the generic error and its id, and stores one row with the scrubbed payload', async () => {
    const { app, client, service } = setup();
    const error = (await failureOf(client, 'charge', { orderId: 7, password: 'hunter2' })) as Record<string, unknown>;
    expect(error).toEqual({ status: 'error', message: 'Internal server error', error_id: expect.any(String) });
    const rows = await rowsFor(app, service, 'charge', 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: error.error_id, context_type: 'rpc', operation: pattern('charge'), context: { transport, payload: { orderId: 7, password: '[Filtered]' } } });
    expect(String(rows[0].message)).not.toContain('hunter2');
    expect(JSON.stringify(error)).not.toMatch(/charge failed|hunter2|10\.0\.0\.5|at /);
  });

  it('stores one row per failure', async () => {
    const { app, client, service } = setup();
    const before = (await rowsOf(service)).filter((r) => r.operation === pattern('charge')).length;
    await failureOf(client, 'charge', { n: 1 });
    await failureOf(client, 'charge', { n: 2 });
    const rows = await rowsFor(app, service, 'charge', before + 2);
    expect(rows).toHaveLength(before + 2);
  });

  it("answers an RpcException with its own error, as plain Nest does", async () => {
    const { app, client, service } = setup();
    expect(await failureOf(client, 'refuse', {})).toEqual({ code: 'E_RULE', message: 'Rule broken' });
    expect(await failureOf(client, 'refuse-text', {})).toEqual({ status: 'error', message: 'Not allowed' });
    expect(await rowsFor(app, service, 'refuse', 1)).toHaveLength(1);
  });

  it('retries an event handler that fails once: one row, recovered, with the retry as an action', async () => {
    const { app, client, service } = setup();
    const log = app.get(HandlerLog);
    await firstValueFrom(client.emit(pattern('flaky'), { id: `f-${transport}`, token: 'abc' }));
    await eventually(async () => log.handled.filter((h) => (h as { id?: string }).id === `f-${transport}`).length, (n) => n === 1);
    expect(log.flakyRuns.get(`f-${transport}`)).toBe(2);
    const [row] = await eventually(
      async () => {
        await stored(app);
        return (await rowsOf(service)).filter((r) => r.operation === pattern('flaky') && r.recovery_success === true);
      },
      (rows) => rows.length === 1,
    );
    expect(row).toMatchObject({ context_type: 'rpc', resolved: true, recovery_strategy: 'retry', context: { transport, payload: { id: `f-${transport}`, token: '[Filtered]' } } });
    expect(await actionsOf(String(row.id))).toEqual([expect.objectContaining({ strategy: 'retry', success: true, details: { attempt: 2, delayMs: 1000 } })]);
    expect((await rowsOf(service)).filter((r) => r.operation === pattern('flaky'))).toHaveLength(1);
    expect(await deadLettersOf(service).then((d) => d.filter((l) => l.operation === pattern('flaky')))).toEqual([]);
  });

  it('dead-letters an event that fails every attempt, with its scrubbed payload and the attempts on its row', async () => {
    const { app, client, service, clock } = setup();
    clock.slept.length = 0;
    await firstValueFrom(client.emit(pattern('doomed'), { id: `d-${transport}`, card: { password: 'p4ss' } }));
    const [letter] = await eventually(
      async () => {
        await stored(app);
        return (await deadLettersOf(service)).filter((l) => l.operation === pattern('doomed'));
      },
      (letters) => letters.length === 1,
    );
    expect(letter).toMatchObject({ context_type: 'rpc', attempts: 3, payload: { id: `d-${transport}`, card: { password: '[Filtered]' } }, error_message: `doomed order d-${transport} cannot be shipped`, replayed_at: null });
    const rows = (await rowsOf(service)).filter((r) => r.operation === pattern('doomed'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: letter.error_log_id, resolved: false, context: { payload: { card: { password: '[Filtered]' } } } });
    const actions = await actionsOf(String(rows[0].id));
    expect(actions.map((a) => [a.strategy, a.success, a.details])).toEqual([
      ['retry', false, { attempt: 2, delayMs: 1000 }],
      ['retry', false, { attempt: 3, delayMs: 2000 }],
    ]);
    expect(clock.slept).toEqual([1000, 2000]);
  });

  it("follows a handler's own @BackgroundRetry()", async () => {
    const { app, client, service } = setup();
    await firstValueFrom(client.emit(pattern('once-more'), { id: `o-${transport}` }));
    const [letter] = await eventually(
      async () => {
        await stored(app);
        return (await deadLettersOf(service)).filter((l) => l.operation === pattern('once-more'));
      },
      (letters) => letters.length === 1,
    );
    expect(letter).toMatchObject({ attempts: 2 });
    expect(await actionsOf(String(letter.error_log_id))).toEqual([expect.objectContaining({ strategy: 'retry', success: false, details: { attempt: 2, delayMs: 50 } })]);
  });

  it('leaves handlers marked @AiErrorHandler({ capture: false }) to plain Nest: nothing stored, no retry, no dead letter', async () => {
    const { app, client, service } = setup();
    expect(await failureOf(client, 'quiet', {})).toEqual({ status: 'error', message: 'Internal server error' });
    await firstValueFrom(client.emit(pattern('quiet-event'), { id: `q-${transport}` }));
    await eventually(async () => app.get(HandlerLog).quietRuns.get(`q-${transport}`), (n) => n === 1);
    // A later failure of another handler is stored: once it is there, the quiet ones would be too.
    await failureOf(client, 'charge', { after: 'quiet' });
    await eventually(async () => (await rowsOf(service)).filter((r) => (r.context as { payload?: { after?: string } }).payload?.after === 'quiet'), (rows) => rows.length === 1);
    await stored(app);
    expect((await rowsOf(service)).filter((r) => r.operation === pattern('quiet') || r.operation === pattern('quiet-event') || String(r.message).startsWith('quiet'))).toEqual([]);
    expect((await deadLettersOf(service)).filter((l) => l.operation === pattern('quiet-event'))).toEqual([]);
    expect(app.get(HandlerLog).quietRuns.get(`q-${transport}`)).toBe(1);
  });

  it('runs an event handler that succeeds once, with its own arguments', async () => {
    const { app, client } = setup();
    await firstValueFrom(client.emit(pattern('fine'), { ok: transport }));
    await eventually(async () => app.get(HandlerLog).handled, (h) => h.some((x) => (x as { ok?: string }).ok === transport));
  });
}

describe('microservices', () => {
  describe('a microservice-only app on TCP (NestFactory.createMicroservice: handlers bound before any init hook)', () => {
    let app: INestMicroservice;
    let client: ClientProxy;
    const service = uniqueService('rpc-tcp');
    const clock = instantClock();

    beforeAll(async () => {
      const port = await freePort();
      app = await NestFactory.createMicroservice(MicroserviceModule.forRoot(options(service, clock)), { transport: Transport.TCP, options: { host: '127.0.0.1', port }, logger: false });
      await app.listen();
      client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
      await client.connect();
    });
    afterAll(async () => {
      await client?.close();
      await app?.close();
    });

    sharedBehaviour('tcp', () => ({ app, client, service, clock }));
  });

  describe('a hybrid app with NATS (connectMicroservice + startAllMicroservices)', () => {
    let app: INestApplication;
    let client: ClientProxy;
    const service = uniqueService('rpc-nats');
    const clock = instantClock();

    beforeAll(async () => {
      const ref = await Test.createTestingModule({ imports: [MicroserviceModule.forRoot(options(service, clock))] }).compile();
      app = await createApp(ref);
      // Global filters (the module's APP_FILTER) reach a hybrid app's handlers only with inheritAppConfig.
      app.connectMicroservice({ transport: Transport.NATS, options: { servers: [NATS_URL] } }, { inheritAppConfig: true });
      await app.startAllMicroservices();
      await initApp(app);
      client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
      await client.connect();
    });
    afterAll(async () => {
      await client?.close();
      await app?.close();
    });

    sharedBehaviour('nats', () => ({ app, client, service, clock }));

    it('stores the NATS subject the message arrived on', async () => {
      const log = app.get(HandlerLog);
      await firstValueFrom(client.emit(pattern('flaky'), { id: 'subject-check' }));
      await eventually(async () => log.handled, (h) => h.some((x) => (x as { id?: string }).id === 'subject-check'));
      expect(log.handled).toContainEqual({ id: 'subject-check', subject: pattern('flaky') });
    });

    it('lists the dead letters in the admin API, behind its token', async () => {
      await firstValueFrom(client.emit(pattern('doomed'), { id: 'listed', apiKey: 'k-1' }));
      const server = app.getHttpServer() as Parameters<typeof request>[0];
      await request(server).get(`/api/errors/dead-letters?service=${service}`).expect(401);
      const body = await eventually(
        async () => (await request(server).get(`/api/errors/dead-letters?service=${service}&limit=100`).set({ Authorization: 'Bearer t' }).expect(200)).body as { items: Record<string, unknown>[]; total: number },
        (b) => b.items.some((l) => (l.payload as { id?: string }).id === 'listed'),
      );
      expect(body.items.find((l) => (l.payload as { id?: string }).id === 'listed')).toMatchObject({ context_type: 'rpc', operation: pattern('doomed'), attempts: 3, payload: { apiKey: '[Filtered]' }, replayed_at: null });
      expect(body.total).toBe(body.items.length);
      await request(server).get('/api/errors/dead-letters?limit=0').set({ Authorization: 'Bearer t' }).expect(400);
    });
  });
});

describe('microservices: a hybrid app connected without inheritAppConfig (no global filter from Nest)', () => {
  let app: INestApplication;
  let client: ClientProxy;
  const service = uniqueService('rpc-plain-hybrid');

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [MicroserviceModule.forRoot(options(service, instantClock()))] }).compile();
    app = await createApp(ref);
    app.connectMicroservice({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await app.startAllMicroservices();
    await initApp(app);
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it("still stores a @MessagePattern failure once (the wrapper's capture), answered by Nest's own RPC filter", async () => {
    const error = (await failureOf(client, 'charge', { orderId: 9, password: 'hunter2' })) as Record<string, unknown>;
    expect(error).toEqual({ status: 'error', message: 'Internal server error' });
    const rows = await rowsFor(app, service, 'charge', 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'rpc', context: { transport: 'nats', payload: { orderId: 9, password: '[Filtered]' } } });
  });

  it('stores a failure of an HTTP route on its own, after a message handler failed with the same error object', async () => {
    await failureOf(client, 'stock', {});
    const server = app.getHttpServer() as Parameters<typeof request>[0];
    const answer = (await request(server).get('/stock').expect(500)).body as { error?: { error_id?: string } };
    const rows = await eventually(
      async () => {
        await stored(app);
        return (await rowsOf(service)).filter((r) => r.message === 'out of stock');
      },
      (r) => r.length >= 2,
    );
    expect(rows.map((r) => r.context_type).sort()).toEqual(['http', 'rpc']);
    expect(answer.error?.error_id).toBe(rows.find((r) => r.context_type === 'http')?.id);
  });
});

describe('microservices: an event waiting for its retry when the app closes', () => {
  const service = uniqueService('rpc-shutdown');
  /** Backoffs that never end on their own: only an abort (the app closing) ends them. */
  const held: Clock & { waiting: number } = {
    waiting: 0,
    now: () => Date.now(),
    sleep: (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        held.waiting++;
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  /** Kept in memory: the embedded database goes away with the app, and this is about what reaches the store before. */
  const letters: DeadLetterRecord[] = [];
  // Only what this test reaches: the processor's polls of a store without items find nothing.
  const store = {
    connect: async () => undefined,
    insert: async (letter: DeadLetterRecord) => void letters.push(letter),
    list: async () => ({ items: letters, total: letters.length, page: 1, limit: 100 }),
    reclaimExpired: async () => ({ reclaimed: 0, exhausted: [] }),
    counts: async () => ({ pending: 0, retrying: 0, succeeded: 0, exhausted: 0, discarded: 0 }),
    claimDue: async () => [],
    close: async () => undefined,
  } as unknown as DeadLetterStore;

  it('keeps its payload as a dead letter, with the attempts it had, before the writers close', async () => {
    const port = await freePort();
    const app = await NestFactory.createMicroservice(MicroserviceModule.forRoot({ ...options(service, held), deadLetterStore: store }), {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await app.listen();
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    let rows: Record<string, unknown>[];
    try {
      await client.connect();
      await firstValueFrom(client.emit(pattern('doomed'), { id: 'at-shutdown', password: 'p4ss' }));
      await eventually(async () => held.waiting, (n) => n === 1);
      rows = await rowsFor(app, service, 'doomed', 1);
    } finally {
      await client.close();
      await app.close();
    }
    expect(rows).toHaveLength(1);
    expect(letters).toEqual([expect.objectContaining({ operation: pattern('doomed'), attempts: 1, errorLogId: rows[0].id, payload: { id: 'at-shutdown', password: '[Filtered]' } })]);
  });
});
