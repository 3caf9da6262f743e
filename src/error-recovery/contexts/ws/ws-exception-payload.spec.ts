import { emitWsException, isWsException, wsExceptionPayload } from './ws-exception-payload.js';

/** Stands in for @nestjs/websockets' WsException, which this module must not import. */
class WsException extends Error {
  constructor(private readonly error: unknown) {
    super(typeof error === 'string' ? error : 'Ws Exception');
  }

  getError(): unknown {
    return this.error;
  }
}
class ForbiddenWsException extends WsException {}

const hostile = (): object => {
  const fail = (): never => {
    throw new Error('trap');
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail });
};

const cause = { pattern: 'orders', data: { id: 1 } };

describe('wsExceptionPayload (as Nest 12 BaseWsExceptionFilter with default options)', () => {
  it.each<[string, unknown, unknown]>([
    ['an Error: generic, no internals', new Error('db password=x'), { status: 'error', message: 'Internal server error', cause }],
    ['a string thrown', 'oops', { status: 'error', message: 'Internal server error', cause }],
    ['a hostile Proxy', hostile(), { status: 'error', message: 'Internal server error', cause }],
    ['a WsException with a string', new WsException('Not allowed'), { status: 'error', message: 'Not allowed', cause }],
    ['a subclass of WsException', new ForbiddenWsException('No'), { status: 'error', message: 'No', cause }],
    ['a WsException with an object: as is', new WsException({ code: 'E' }), { code: 'E' }],
  ])('%s', (_name, exception, expected) => {
    expect(wsExceptionPayload(exception, cause)).toEqual(expected);
  });

  it('recognises WsException by its class chain only', () => {
    expect(isWsException(new ForbiddenWsException('x'))).toBe(true);
    expect(isWsException({ getError: () => 'x' })).toBe(false);
    expect(isWsException(hostile())).toBe(false);
    expect(isWsException(null)).toBe(false);
  });
});

describe('emitWsException', () => {
  it('sends JSON to a native WebSocket client', () => {
    const sent: string[] = [];
    emitWsException({ readyState: 1, send: (m: string) => sent.push(m), emit: () => { throw new Error('not this'); } }, { status: 'error' });
    expect(sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ event: 'exception', data: { status: 'error' } }]);
  });

  it('emits to a Socket.IO-style client', () => {
    const emitted: unknown[] = [];
    emitWsException({ emit: (event: string, data: unknown) => emitted.push([event, data]) }, { status: 'error' });
    expect(emitted).toEqual([['exception', { status: 'error' }]]);
  });
});
