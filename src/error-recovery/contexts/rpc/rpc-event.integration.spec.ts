import 'reflect-metadata';
import { jest } from '@jest/globals';
import { EventPattern, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { OperationMethod } from '../../capture/operation-wrapping.js';
import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import type { ContextsOptions } from '../../error-recovery-options.interface.js';
import { resolveOptions } from '../../error-recovery-options.js';
import type { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import type { DeadLetterRecord, DeadLetterStore } from '../../dead-letters/dead-letter-store.interface.js';
import { DeadLetterQueue } from '../../dead-letters/dead-letter-queue.service.js';
import { DeadLetterHandlers } from '../../dead-letters/dead-letter-handlers.registry.js';
import type { DeadLetterWriter } from '../../dead-letters/dead-letter.writer.js';
import type { ErrorLogWriter } from '../../persistence/error-log.writer.js';
import { BackgroundRetry } from '../background-retry.decorator.js';
import { BackgroundRunner } from '../background-runner.js';
import { RpcAnswer } from './rpc.answer.js';
import { RpcEventIntegration } from './rpc-event.integration.js';

class Orders {
  runs = 0;
  failFor = 0;

  @EventPattern<string>('orders.created')
  created(@Payload('id') id: number): number {
    this.runs++;
    if (this.runs <= this.failFor) throw new Error(`order ${id} failed (run ${this.runs})`);
    return id * 10;
  }

  @EventPattern<string>('orders.async')
  @BackgroundRetry({ attempts: 2, delayMs: 5 })
  async later(data: { id: number }): Promise<number> {
    this.runs++;
    await Promise.resolve();
    if (this.runs <= this.failFor) throw new Error(`order ${data.id} failed`);
    return data.id;
  }

  @MessagePattern('orders.get')
  get(): number {
    return 1;
  }

  helper(): number {
    return 2;
  }
}

function setup(contexts: ContextsOptions = {}) {
  const options = resolveOptions({ service: 'orders', clock: { now: () => 0, sleep: async () => undefined }, contexts, database: { dataDir: 'memory://', embedded: true } }, {});
  const captured: { error: unknown; snapshot: RequestSnapshot }[] = [];
  const pipeline = {
    shouldCapture: () => true,
    capture: async (error: unknown, snapshot: RequestSnapshot) => {
      captured.push({ error, snapshot });
      return { id: 'error-1', classification: {}, report: { actions: [] } } as unknown as CapturedError;
    },
  } as unknown as ErrorPipeline;
  const writer = { appendLate: jest.fn() } as unknown as ErrorLogWriter;
  const letters: DeadLetterRecord[] = [];
  const writer2 = { record: async (l: DeadLetterRecord) => void letters.push(l) } as unknown as DeadLetterWriter;
  const deadLetters = new DeadLetterQueue(options, {} as DeadLetterStore, new DeadLetterHandlers({} as never, {} as never), writer2);
  const stats = new ErrorRecoveryStats();
  const answer = new RpcAnswer(options);
  const integration = new RpcEventIntegration(options, new BackgroundRunner(pipeline, writer, stats, options), deadLetters, stats, answer);
  return { integration, captured, answer, letters, stats };
}

const method = (name: keyof Orders): OperationMethod => Orders.prototype[name] as OperationMethod;

describe('RpcEventIntegration', () => {
  it('selects @EventPattern handlers only, and none when contexts.rpc is false', () => {
    const { integration } = setup();
    expect(integration.selects(Orders, 'created', method('created'))).toBe(true);
    expect(integration.selects(Orders, 'later', method('later'))).toBe(true);
    expect(integration.selects(Orders, 'get', method('get'))).toBe(false);
    expect(integration.selects(Orders, 'helper', method('helper'))).toBe(false);
    expect(setup({ rpc: false }).integration.selects(Orders, 'created', method('created'))).toBe(false);
  });

  it('returns a synchronous success as is, with the arguments the handler declared', () => {
    const { integration, captured } = setup();
    const orders = new Orders();
    const handler = integration.handler(orders, Orders, 'created');
    const seen: unknown[][] = [];
    const original = function (this: unknown, ...args: unknown[]): unknown {
      seen.push(args);
      return method('created').apply(this, args);
    };
    // Nest passes the property, then the whole payload and the context the module declared.
    expect(handler(orders, [4, { id: 4 }, new NatsContext(['orders.created', undefined])], original)).toBe(40);
    expect(seen).toEqual([[4]]);
    expect(captured).toEqual([]);
  });

  it('retries a handler that fails once: the retry’s value, no dead letter', async () => {
    const { integration, captured, letters } = setup();
    const orders = Object.assign(new Orders(), { failFor: 1 });
    const handler = integration.handler(orders, Orders, 'created');
    await expect(handler(orders, [4, { id: 4, password: 'x' }, undefined], method('created'))).resolves.toBe(40);
    expect(orders.runs).toBe(2);
    expect(captured).toHaveLength(1);
    expect(captured[0].snapshot).toMatchObject({ contextType: 'rpc', operation: 'orders.created', context: { payload: { id: 4, password: '[Filtered]' } } });
    expect(letters).toEqual([]);
  });

  it('dead-letters a handler that fails every attempt and rethrows its last error, handed to the filter as captured', async () => {
    const { integration, letters, answer } = setup();
    const orders = Object.assign(new Orders(), { failFor: 99 });
    const handler = integration.handler(orders, Orders, 'created');
    const context = new NatsContext(['orders.created', undefined]);
    const failure = (await Promise.resolve(handler(orders, [4, { id: 4, token: 't' }, context], method('created'))).catch((e: unknown) => e)) as Error;
    expect(failure.message).toBe('order 4 failed (run 3)');
    expect(letters).toEqual([
      expect.objectContaining({ service: 'orders', contextType: 'rpc', operation: 'orders.created', payload: { id: 4, token: '[Filtered]' }, attempts: 3, errorLogId: 'error-1', errorMessage: 'order 4 failed (run 3)', status: 'exhausted' }),
    ]);
    // The filter answers with this capture: the failure is stored once.
    expect(answer.earlier(failure)).toEqual(expect.objectContaining({ id: 'error-1' }));
  });

  it('keeps the whole payload in the dead letter, only its secrets filtered: it is what an operator replays', async () => {
    const { integration, letters } = setup();
    const orders = Object.assign(new Orders(), { failFor: 99 });
    const handler = integration.handler(orders, Orders, 'created');
    const payload = { id: 5, lines: Array.from({ length: 120 }, (_, i) => ({ sku: `s-${i}`, qty: i })), note: 'n'.repeat(5000), a: { b: { c: { d: { e: { f: { g: 1 } } } } } }, password: 'p' };
    await Promise.resolve(handler(orders, [5, payload, new NatsContext(['orders.created', undefined])], method('created'))).catch(() => undefined);
    expect(letters).toHaveLength(1);
    expect(letters[0].payload).toEqual({ ...payload, password: '[Filtered]' });
  });

  it("follows the handler's @BackgroundRetry(), and contexts.rpcEventRetry otherwise", async () => {
    const own = setup();
    const orders = Object.assign(new Orders(), { failFor: 99 });
    await Promise.resolve(own.integration.handler(orders, Orders, 'later')(orders, [{ id: 1 }, undefined], method('later'))).catch(() => undefined);
    expect(own.letters[0].attempts).toBe(2);

    const none = setup({ rpcEventRetry: false });
    const once = Object.assign(new Orders(), { failFor: 99 });
    await Promise.resolve(none.integration.handler(once, Orders, 'created')(once, [1, { id: 1 }, undefined], method('created'))).catch(() => undefined);
    expect(once.runs).toBe(1);
    expect(none.letters[0].attempts).toBe(1);
  });

  it('a fault of the module lets the error go on as plain Nest would see it (counted)', async () => {
    const { integration, stats } = setup();
    const orders = Object.assign(new Orders(), { failFor: 99 });
    const handler = integration.handler(orders, Orders, 'created');
    (integration as unknown as { runner: { run(): never } }).runner.run = () => {
      throw new Error('runner broke');
    };
    const failure = (await Promise.resolve(handler(orders, [2, { id: 2 }, undefined], method('created'))).catch((e: unknown) => e)) as Error;
    expect(failure.message).toBe('order 2 failed (run 1)');
    expect(stats.faults.operation).toBe(1);
  });
});
