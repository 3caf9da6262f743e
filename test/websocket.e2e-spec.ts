import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import WebSocket from 'ws';
import { appFilterSaw, GatewayModule } from './fixtures/gateway.module.js';
import type { ErrorRecoveryModuleOptions } from '../src/error-recovery/index.js';
import { createApp, flushed, rowsOf } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** A gateway app listening on loopback, with one connected `ws` client. */
interface GatewayApp {
  app: INestApplication;
  /** Sends one message and resolves with the next message the server sends. */
  ask(event: string, data: unknown): Promise<unknown>;
  close(): Promise<void>;
}

async function startGateway(options: ErrorRecoveryModuleOptions): Promise<GatewayApp> {
  const ref = await Test.createTestingModule({ imports: [GatewayModule.forRoot({ environment: 'production', adminToken: 't', database: testDatabase(), ...options })] }).compile();
  const app = await createApp(ref);
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const ask = (event: string, data: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${event} within 3 s`)), 3000);
      socket.once('message', (raw: WebSocket.RawData) => {
        clearTimeout(timer);
        resolve(JSON.parse(String(raw)));
      });
      socket.send(JSON.stringify({ event, data }));
    });
  const close = async (): Promise<void> => {
    socket.close();
    await app.close();
  };
  return { app, ask, close };
}

describe('WebSocket gateways', () => {
  let app: INestApplication;
  let gateway: GatewayApp;
  const service = uniqueService('ws');
  const ask = (event: string, data: unknown): Promise<unknown> => gateway.ask(event, data);

  beforeAll(async () => {
    gateway = await startGateway({ service, retry: { delayMs: 1, maxDelayMs: 5 } });
    app = gateway.app;
  });
  afterAll(() => gateway?.close());

  it('answers as usual when nothing fails', async () => {
    expect(await ask('echo', { a: 1 })).toEqual({ event: 'echo', data: { a: 1 } });
  });

  it('sends the exception event with the stored error id and a user-safe message, and stores the error once with its pattern and scrubbed data', async () => {
    const answer = (await ask('boom', { id: 7, password: 'hunter2' })) as { event: string; data: { error_id: string } };
    expect(answer).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        message: 'A required service could not be reached. Please try again shortly.',
        error_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        cause: { pattern: 'boom', data: { id: 7, password: 'hunter2' } },
      },
    });
    expect(JSON.stringify(answer)).not.toMatch(/gateway exploded|stack|ECONNRESET/);
    await flushed(app);
    const rows = (await rowsOf(service)).filter((r) => r.operation === 'boom');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: answer.data.error_id,
      context_type: 'ws',
      operation: 'boom',
      message: 'gateway exploded: db password=[Filtered]',
      context: { data: { id: 7, password: '[Filtered]' } },
    });
  });

  it("sends a WsException's own message with the cause, as plain Nest does, and stores nothing", async () => {
    expect(await ask('refused', 'x')).toEqual({ event: 'exception', data: { status: 'error', message: 'Not allowed', cause: { pattern: 'refused', data: 'x' } } });
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.operation === 'refused')).toEqual([]);
  });

  it("sends a WsException's object error as is", async () => {
    expect(await ask('refused-object', null)).toEqual({ event: 'exception', data: { code: 'E_RULE', message: 'Rule broken' } });
  });

  it('leaves a handler marked @AiErrorHandler({ capture: false }) to plain Nest, in the filter the decorator binds too', async () => {
    expect(await ask('unwatched', 'x')).toEqual({ event: 'exception', data: { status: 'error', message: 'Internal server error', cause: { pattern: 'unwatched', data: 'x' } } });
    await flushed(app);
    expect((await rowsOf(service)).filter((r) => r.operation === 'unwatched')).toEqual([]);
  });

  it('keeps the connection usable after an error', async () => {
    expect(await ask('echo', 'still here')).toEqual({ event: 'echo', data: 'still here' });
  });
});

/** The `exception` event the module sends for a stored error. */
interface StoredAnswer {
  event: string;
  data: { status: string; message: string; error_id: string; cause: unknown };
}

describe('WebSocket gateways without @AiErrorHandler()', () => {
  let gateway: GatewayApp;
  const service = uniqueService('ws-plain');
  const ask = (event: string, data: unknown): Promise<unknown> => gateway.ask(event, data);
  const rowsFor = async (operation: string): Promise<Record<string, unknown>[]> => {
    await flushed(gateway.app);
    return (await rowsOf(service)).filter((r) => r.operation === operation);
  };

  beforeAll(async () => {
    gateway = await startGateway({ service });
  });
  afterAll(() => gateway?.close());

  it('answers as usual when nothing fails', async () => {
    expect(await ask('plain-echo', { a: 1 })).toEqual({ event: 'plain-echo', data: { a: 1 } });
  });

  it('stores a thrown error once with its pattern and scrubbed data, and sends the exception event with its id and no internals', async () => {
    const answer = (await ask('plain-boom', { id: 7, password: 'hunter2' })) as StoredAnswer;
    expect(answer).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        message: 'A required service could not be reached. Please try again shortly.',
        error_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        cause: { pattern: 'plain-boom', data: { id: 7, password: 'hunter2' } },
      },
    });
    expect(JSON.stringify(answer)).not.toMatch(/order 7 failed|stack|ECONNRESET/);
    const rows = await rowsFor('plain-boom');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: answer.data.error_id,
      context_type: 'ws',
      operation: 'plain-boom',
      message: 'order 7 failed: db password=[Filtered]',
      context: { data: { id: 7, password: '[Filtered]' } },
    });
  });

  it("stores a rejection with the handler's @MessageBody('id') as its data", async () => {
    const answer = (await ask('plain-reject', { id: 3, token: 'abc123' })) as StoredAnswer;
    expect(answer.event).toBe('exception');
    expect(answer.data.cause).toEqual({ pattern: 'plain-reject', data: { id: 3 } });
    expect(JSON.stringify(answer)).not.toMatch(/OrdersRepository|cannot read|abc123/);
    const rows = await rowsFor('plain-reject');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: answer.data.error_id, context_type: 'ws', context: { data: { id: 3 } } });
  });

  it("stores an Observable's error", async () => {
    const answer = (await ask('plain-observable', null)) as StoredAnswer;
    expect(answer.data).toMatchObject({ status: 'error', error_id: expect.any(String) as unknown, cause: { pattern: 'plain-observable', data: null } });
    expect(JSON.stringify(answer)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    const rows = await rowsFor('plain-observable');
    expect(rows.map((r) => r.id)).toEqual([answer.data.error_id]);
  });

  it('stores the data of a handler without parameter decorators (Nest calls it with client and data)', async () => {
    const answer = (await ask('plain-bare', { secret: 's3cr3t', n: 1 })) as StoredAnswer;
    const rows = await rowsFor('plain-bare');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: answer.data.error_id, context: { data: { secret: '[Filtered]', n: 1 } } });
  });

  it("sends a WsException's own answer as plain Nest does, and stores nothing", async () => {
    expect(await ask('plain-refused', 'x')).toEqual({ event: 'exception', data: { status: 'error', message: 'Not yours', cause: { pattern: 'plain-refused', data: 'x' } } });
    expect(await rowsFor('plain-refused')).toEqual([]);
  });

  it("hands the original error to the gateway's own exception filter, and stores it once", async () => {
    appFilterSaw.length = 0;
    expect(await ask('filtered-boom', { token: 'abc123' })).toEqual({ event: 'app-error', data: { name: 'RangeError' } });
    expect(appFilterSaw).toHaveLength(1);
    expect(appFilterSaw[0]).toBeInstanceOf(RangeError);
    expect((appFilterSaw[0] as Error).message).toBe('filtered gateway failed: token=abc123');
    const rows = await rowsFor('filtered-boom');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ context_type: 'ws', context: { data: { token: '[Filtered]' } } });
  });

  it('keeps the connection usable after errors', async () => {
    expect(await ask('plain-echo', 'still here')).toEqual({ event: 'plain-echo', data: 'still here' });
  });
});

describe('WebSocket gateways with contexts.ws false', () => {
  let gateway: GatewayApp;
  const service = uniqueService('ws-off');

  beforeAll(async () => {
    gateway = await startGateway({ service, contexts: { ws: false } });
  });
  afterAll(() => gateway?.close());

  it('answers as plain Nest does and stores nothing', async () => {
    expect(await gateway.ask('boom', { id: 7 })).toEqual({
      event: 'exception',
      data: { status: 'error', message: 'Internal server error', cause: { pattern: 'boom', data: { id: 7 } } },
    });
    await flushed(gateway.app);
    expect(await rowsOf(service)).toEqual([]);
  });

  it('leaves a gateway without @AiErrorHandler() to plain Nest', async () => {
    expect(await gateway.ask('plain-boom', { id: 7 })).toEqual({
      event: 'exception',
      data: { status: 'error', message: 'Internal server error', cause: { pattern: 'plain-boom', data: { id: 7 } } },
    });
    await flushed(gateway.app);
    expect(await rowsOf(service)).toEqual([]);
  });
});
