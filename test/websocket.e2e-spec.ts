import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import WebSocket from 'ws';
import { GatewayModule } from './fixtures/gateway.module.js';
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

  it('keeps the connection usable after an error', async () => {
    expect(await ask('echo', 'still here')).toEqual({ event: 'echo', data: 'still here' });
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
});
