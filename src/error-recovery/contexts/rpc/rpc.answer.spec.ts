import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { RpcException, TcpContext } from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';
import type { CapturedError } from '../../capture/captured-errors.js';
import type { ContextsOptions } from '../../error-recovery-options.interface.js';
import { resolveOptions } from '../../error-recovery-options.js';
import { RpcAnswer } from './rpc.answer.js';

const answerWith = (contexts: ContextsOptions = {}): RpcAnswer =>
  new RpcAnswer(resolveOptions({ contexts, database: { dataDir: 'memory://', embedded: true } }, {}));

/** The host Nest's RPC proxy hands to the filters: the handler's raw arguments, payload and context. */
function rpcHost(data: unknown, pattern: string): ExecutionContextHost {
  const host = new ExecutionContextHost([data, new TcpContext([undefined as never, pattern])]);
  host.setType('rpc');
  return host;
}

const errorOf = (answer: unknown): Promise<unknown> => lastValueFrom(answer as Observable<unknown>).then(
  () => {
    throw new Error('no error');
  },
  (error: unknown) => error,
);

const stored = (id: string): Promise<CapturedError> => Promise.resolve({ id } as CapturedError);

describe('RpcAnswer', () => {
  it('stores the pattern, the transport and the scrubbed payload', () => {
    const snapshot = answerWith().snapshot(rpcHost({ orderId: 1, password: 'hunter2' }, 'orders.charge'));
    expect(snapshot).toMatchObject({ contextType: 'rpc', operation: 'orders.charge', method: null, context: { transport: 'tcp', payload: { orderId: 1, password: '[Filtered]' } } });
  });

  it('answers once the capture settled: the generic error with its id, an RpcException as is', async () => {
    const answer = answerWith();
    const host = rpcHost({}, 'orders.charge');
    expect(await errorOf(answer.answer(new Error('db down at 10.0.0.5'), host, stored('id-1')))).toEqual({ status: 'error', message: 'Internal server error', error_id: 'id-1' });
    expect(await errorOf(answer.answer(new RpcException({ code: 'E_RULE' }), host, stored('id-2')))).toEqual({ code: 'E_RULE' });
  });

  it('answers as plain Nest when the error was not stored, or its capture failed', async () => {
    const answer = answerWith();
    const host = rpcHost({}, 'orders.charge');
    expect(await errorOf(answer.answer(new Error('x'), host, Promise.resolve(undefined)))).toEqual({ status: 'error', message: 'Internal server error' });
    expect(await errorOf(answer.answer(new Error('x'), host, Promise.reject(new Error('store down'))))).toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('with contexts.rpc false, stores nothing about the operation and answers without waiting', async () => {
    const answer = answerWith({ rpc: false });
    const host = rpcHost({ password: 'x' }, 'orders.charge');
    expect(answer.snapshot(host)).toMatchObject({ contextType: 'rpc', operation: null, context: {} });
    expect(await errorOf(answer.answer(new Error('x'), host, new Promise(() => undefined)))).toEqual({ status: 'error', message: 'Internal server error' });
  });
});
