import { Logger, UseFilters, type ExceptionFilter } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { firstValueFrom, of, throwError, type Observable } from 'rxjs';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ClassRef } from '../../capture/operation-integration.js';
import type { OperationHandler, OperationMethod } from '../../capture/operation-wrapping.js';
import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import type { ErrorPipeline } from '../../error-pipeline.js';
import { resolveOptions } from '../../error-recovery-options.js';
import { WsAnswer } from './ws-answer.js';
import type { ErrorRecoveryModuleOptions } from '../../error-recovery-options.interface.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { transientConnection } from '../../execute/recovery-test-context.spec-helper.js';
import { NOT_ATTEMPTED } from '../../execute/recovery-report.js';
import { messageData } from './message-data.js';
import { WsGatewayIntegration } from './ws-gateway.integration.js';

class AppFilter implements ExceptionFilter {
  catch(): void {}
}

@WebSocketGateway()
class OrdersGateway {
  @SubscribeMessage('orders.create')
  create(@MessageBody() data: { id: number }): { id: number } {
    if (data.id < 0) throw new Error('db password=hunter2 refused');
    return data;
  }

  @SubscribeMessage('orders.find')
  async find(@MessageBody('id') id: number): Promise<number> {
    await Promise.resolve();
    if (id < 0) throw new Error('not found');
    return id;
  }

  @SubscribeMessage('orders.watch')
  watch(_client: unknown, data: number): Observable<number> {
    return data < 0 ? throwError(() => new Error('stream broke')) : of(data);
  }

  @SubscribeMessage('orders.refuse')
  refuse(): never {
    throw new WsException('Not yours');
  }

  helper(): void {}
}

@WebSocketGateway()
@UseFilters(AppFilter)
class FilteredGateway {
  @SubscribeMessage('filtered')
  fail(@MessageBody() _data: unknown): never {
    throw new RangeError('filtered');
  }
}

class NotAGateway {
  @SubscribeMessage('stray')
  stray(): void {}
}

/** An ErrorPipeline that stores in memory: one id per capture, `earlier`/`rethrown` as the real one. */
function fakePipeline(fault?: Error) {
  const snapshots: RequestSnapshot[] = [];
  const handedOn = new Map<unknown, CapturedError>();
  const pipeline = {
    shouldCapture: () => true,
    capture: async (_error: unknown, snapshot: RequestSnapshot): Promise<CapturedError> => {
      if (fault) throw fault;
      snapshots.push(snapshot);
      return { id: `row-${snapshots.length}`, classification: transientConnection, report: NOT_ATTEMPTED };
    },
    rethrown: (error: unknown, captured: CapturedError) => handedOn.set(error, captured),
    earlier: (error: unknown) => {
      const captured = handedOn.get(error);
      handedOn.delete(error);
      return captured;
    },
  };
  return { pipeline, snapshots, handedOn };
}

function setUp(options: ErrorRecoveryModuleOptions = {}, fault?: Error) {
  const { pipeline, snapshots, handedOn } = fakePipeline(fault);
  const stats = new ErrorRecoveryStats();
  const integration = new WsGatewayIntegration(resolveOptions(options, {}), pipeline as unknown as ErrorPipeline, stats, new WsAnswer(resolveOptions(options, {}), stats));
  /** Calls `methodName` of a new instance as Nest would, through the integration's handler. */
  const call = (classRef: new () => object, methodName: string, ...args: unknown[]): unknown => {
    const instance = new classRef();
    const handler = integration.handler(instance, classRef, methodName) as OperationHandler;
    const original = (classRef.prototype as Record<string, OperationMethod>)[methodName];
    return handler(instance, args, original);
  };
  return { integration, call, snapshots, handedOn, pipeline, stats };
}

const method = (classRef: ClassRef, name: string): OperationMethod => (classRef.prototype as Record<string, OperationMethod>)[name];
const client = { readyState: 1 };

describe('WsGatewayIntegration', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  it('selects the @SubscribeMessage methods of gateways, and nothing when the ws context is off', () => {
    const { integration } = setUp();
    expect(integration.selects(OrdersGateway, 'create', method(OrdersGateway, 'create'))).toBe(true);
    expect(integration.selects(OrdersGateway, 'helper', method(OrdersGateway, 'helper'))).toBe(false);
    expect(integration.selects(NotAGateway, 'stray', method(NotAGateway, 'stray'))).toBe(false);
    expect(setUp({ contexts: { ws: false } }).integration.selects(OrdersGateway, 'create', method(OrdersGateway, 'create'))).toBe(false);
  });

  it('leaves successes as they are: a value synchronously, a promise, an Observable', async () => {
    const { call, snapshots } = setUp();
    const data = { id: 1 };
    expect(call(OrdersGateway, 'create', data)).toBe(data);
    await expect(call(OrdersGateway, 'find', 5)).resolves.toBe(5);
    await expect(firstValueFrom(call(OrdersGateway, 'watch', client, 3) as Observable<number>)).resolves.toBe(3);
    expect(snapshots).toEqual([]);
  });

  it('stores a throw once (pattern, scrubbed data) and rejects with a WsException carrying the id and the user-safe message', async () => {
    const { call, snapshots } = setUp();
    const thrown = await (call(OrdersGateway, 'create', { id: -1, password: 'hunter2' }) as Promise<never>).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(WsException);
    expect((thrown as WsException).getError()).toEqual({
      status: 'error',
      message: transientConnection.userMessage,
      error_id: 'row-1',
      cause: { pattern: 'orders.create', data: { id: -1, password: 'hunter2' } },
    });
    expect(snapshots).toEqual([expect.objectContaining({ contextType: 'ws', operation: 'orders.create', context: { data: { id: -1, password: '[Filtered]' } } })]);
  });

  it("stores a rejection with its @MessageBody('id'), and an Observable's error with the data Nest passes second", async () => {
    const { call, snapshots } = setUp();
    await expect(call(OrdersGateway, 'find', -2)).rejects.toBeInstanceOf(WsException);
    await expect(firstValueFrom(call(OrdersGateway, 'watch', client, -3) as Observable<number>)).rejects.toBeInstanceOf(WsException);
    expect(snapshots.map((s) => [s.operation, s.context])).toEqual([
      ['orders.find', { data: { id: -2 } }],
      ['orders.watch', { data: -3 }],
    ]);
  });

  it('hands a WsException on untouched and stores nothing', async () => {
    const { call, snapshots } = setUp();
    const thrown = await (call(OrdersGateway, 'refuse', 'x') as Promise<never>).catch((e: unknown) => e);
    expect((thrown as WsException).getError()).toBe('Not yours');
    expect(snapshots).toEqual([]);
  });

  it("hands the original error to the gateway's own filters, with its capture for the module's filter", async () => {
    const { call, snapshots, pipeline } = setUp();
    const thrown = await (call(FilteredGateway, 'fail', {}) as Promise<never>).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RangeError);
    expect(snapshots).toHaveLength(1);
    expect(pipeline.earlier(thrown)).toMatchObject({ id: 'row-1' });
  });

  it('takes an earlier capture of the same error instead of storing it again', async () => {
    const { call, snapshots, pipeline } = setUp();
    const error = new Error('captured by withRecovery');
    pipeline.rethrown(error, { id: 'earlier', classification: transientConnection, report: NOT_ATTEMPTED });
    const failing = class extends OrdersGateway {
      override create(): never {
        throw error;
      }
    };
    const thrown = await (call(failing, 'create', {}) as Promise<never>).catch((e: unknown) => e);
    expect((thrown as WsException).getError()).toMatchObject({ error_id: 'earlier' });
    expect(snapshots).toEqual([]);
  });

  it('keeps no data when bodies are not kept', async () => {
    const { call, snapshots } = setUp({ capture: { includeBody: false } });
    await expect(call(OrdersGateway, 'create', { id: -1 })).rejects.toBeInstanceOf(WsException);
    expect(snapshots[0]?.context).toEqual({});
  });

  it("hands the handler's own error on when the capture fails, and counts the fault", async () => {
    const { call, stats } = setUp({}, new Error('pipeline down'));
    const thrown = await (call(OrdersGateway, 'create', { id: -1 }) as Promise<never>).catch((e: unknown) => e);
    expect((thrown as Error).message).toBe('db password=hunter2 refused');
    expect(stats.faults.operation).toBe(1);
  });
});

describe('messageData', () => {
  class Handlers {
    whole(@ConnectedSocket() _client: unknown, @MessageBody() _data: unknown): void {}
    fields(@MessageBody('id') _id: unknown, @MessageBody('name') _name: unknown): void {}
    socketOnly(@ConnectedSocket() _client: unknown): void {}
    bare(): void {}
  }

  it.each<[string, unknown[], unknown]>([
    ['whole', ['client', { id: 1 }], { id: 1 }],
    ['fields', [1, 'ann'], { id: 1, name: 'ann' }],
    ['socketOnly', ['client'], undefined],
    ['bare', ['client', { id: 2 }, () => undefined], { id: 2 }],
  ])('%s', (name, args, expected) => {
    expect(messageData(Handlers, name)(args)).toEqual(expected);
  });
});
