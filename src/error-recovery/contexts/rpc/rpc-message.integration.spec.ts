import 'reflect-metadata';
import { EventPattern, GrpcMethod, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom, of, throwError, type Observable } from 'rxjs';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { OperationMethod } from '../../capture/operation-wrapping.js';
import type { RequestSnapshot } from '../../capture/request-snapshot.js';
import { resolveOptions } from '../../error-recovery-options.js';
import type { ErrorPipeline } from '../../error-pipeline.js';
import { ErrorRecoveryStats } from '../../error-recovery.stats.js';
import { RpcAnswer } from './rpc.answer.js';
import { RpcMessageIntegration } from './rpc-message.integration.js';

const boom = new Error('charge failed at 10.0.0.5');

class Payments {
  @MessagePattern('pay.sync')
  sync(@Payload() data: { fail?: boolean }): string {
    if (data.fail) throw boom;
    return 'ok';
  }

  @MessagePattern('pay.async')
  async later(@Payload() data: { fail?: boolean }): Promise<string> {
    await Promise.resolve();
    if (data.fail) throw boom;
    return 'ok';
  }

  @MessagePattern('pay.stream')
  stream(@Payload() data: { fail?: boolean }): Observable<string> {
    return data.fail ? throwError(() => boom) : of('ok');
  }

  @EventPattern('pay.event')
  event(_data: unknown): void {}

  /** gRPC style: no parameter decorators, Nest passes the request, its metadata and the call. */
  @GrpcMethod('Payments', 'Find')
  find(data: unknown, metadata: unknown, call: unknown): unknown[] {
    return [data, metadata, call];
  }
}

function setup() {
  const options = resolveOptions({ service: 'pay', database: { dataDir: 'memory://', embedded: true } }, {});
  const stored: { error: unknown; snapshot: RequestSnapshot }[] = [];
  const pipeline = {
    shouldCapture: () => true,
    capture: async (error: unknown, snapshot: RequestSnapshot) => {
      stored.push({ error, snapshot });
      return { id: `id-${stored.length}` } as CapturedError;
    },
  } as unknown as ErrorPipeline;
  const answer = new RpcAnswer(options);
  const integration = new RpcMessageIntegration(options, pipeline, new ErrorRecoveryStats(), answer);
  const call = (method: keyof Payments, data: unknown): unknown => {
    const original = Payments.prototype[method] as OperationMethod;
    expect(integration.selects(Payments, method, original)).toBe(true);
    const handler = integration.handler(new Payments(), Payments, method)!;
    // Nest passes the declared @Payload() and the context the module declared after it.
    return handler(new Payments(), [data, undefined], original);
  };
  return { integration, stored, answer, call };
}

describe('RpcMessageIntegration', () => {
  it('selects @MessagePattern handlers only', () => {
    const { integration } = setup();
    expect(integration.selects(Payments, 'event', Payments.prototype.event as OperationMethod)).toBe(false);
  });

  it('returns a success as the handler gave it: a value synchronously, the same kind of thing otherwise', async () => {
    const { call, stored } = setup();
    expect(call('sync', {})).toBe('ok');
    expect(await call('later', {})).toBe('ok');
    expect(await firstValueFrom(call('stream', {}) as Observable<string>)).toBe('ok');
    expect(stored).toEqual([]);
  });

  it('passes a gRPC handler every argument Nest gives it (request, metadata, call)', () => {
    const { integration } = setup();
    const original = Payments.prototype.find as OperationMethod;
    expect(integration.selects(Payments, 'find', original)).toBe(true);
    const handler = integration.handler(new Payments(), Payments, 'find')!;
    expect(handler(new Payments(), [{ id: 1 }, 'metadata', 'call'], original)).toEqual([{ id: 1 }, 'metadata', 'call']);
  });

  it.each(['sync', 'later', 'stream'] as const)('stores a failure of a %s handler once, with its pattern and payload, and hands the same error on', async (method) => {
    const { call, stored, answer } = setup();
    const result = call(method, { fail: true, password: 'hunter2' });
    const settled = typeof (result as Observable<unknown>).subscribe === 'function' ? firstValueFrom(result as Observable<unknown>) : Promise.resolve(result);
    await expect(settled).rejects.toBe(boom);
    expect(stored).toHaveLength(1);
    expect(stored[0].snapshot).toMatchObject({ contextType: 'rpc', operation: `pay.${method === 'later' ? 'async' : method}`, context: { payload: { fail: true, password: '[Filtered]' } } });
    // The filter answers with this capture (once): not stored again.
    expect(answer.earlier(boom)).toEqual({ id: 'id-1' });
    expect(answer.earlier(boom)).toBeUndefined();
  });
});
