import { jest } from '@jest/globals';
import type { Logger } from '@nestjs/common';
import { BaseRpcExceptionFilter, RpcException } from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';
import { isRpcException, rpcErrorAnswer } from './rpc-error-answer.js';

class RuleBroken extends RpcException {}

const hostile = (): object => {
  const fail = (): never => {
    throw new Error('trap');
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail });
};

/** What Nest 12's own RPC filter sends for `exception`. */
async function nestAnswer(exception: unknown): Promise<unknown> {
  const filter = new BaseRpcExceptionFilter();
  // Nest logs an unknown error; the answer is what is compared here.
  jest.spyOn((BaseRpcExceptionFilter as unknown as { logger: Logger }).logger, 'error').mockImplementation(() => undefined);
  try {
    await lastValueFrom(filter.catch(exception, undefined as never) as Observable<unknown>);
  } catch (error) {
    return error;
  }
  throw new Error('no error');
}

describe('rpcErrorAnswer', () => {
  it.each<[string, unknown]>([
    ['an Error', new Error('db password=x at 10.0.0.5')],
    ['a string thrown', 'oops'],
    ['an RpcException with an object', new RpcException({ code: 'E_RULE', message: 'Rule broken' })],
    ['an RpcException with a string', new RpcException('Not allowed')],
    ['a subclass of RpcException', new RuleBroken('No')],
  ])('answers %s exactly as Nest does when the error is not stored', async (_label, exception) => {
    expect(rpcErrorAnswer(exception)).toEqual(await nestAnswer(exception));
  });

  it('adds the error id to the generic answer only', () => {
    expect(rpcErrorAnswer(new Error('internal'), 'id-1')).toEqual({ status: 'error', message: 'Internal server error', error_id: 'id-1' });
    expect(rpcErrorAnswer(new RpcException({ code: 'E_RULE' }), 'id-1')).toEqual({ code: 'E_RULE' });
  });

  it('answers a hostile value with the generic answer, without throwing', () => {
    expect(isRpcException(hostile())).toBe(false);
    expect(rpcErrorAnswer(hostile(), 'id-2')).toEqual({ status: 'error', message: 'Internal server error', error_id: 'id-2' });
  });
});
