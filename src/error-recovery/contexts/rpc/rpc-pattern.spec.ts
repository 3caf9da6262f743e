import { NatsContext, RedisContext, TcpContext } from '@nestjs/microservices';
import { contextPattern, handlerPattern, patternText, transportOf } from './rpc-pattern.js';

const hostile = (): object =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error('trap');
      },
      getPrototypeOf: () => {
        throw new Error('trap');
      },
    },
  );

describe('rpc patterns', () => {
  it('writes a pattern as Nest routes it: a string as is, an object as JSON with sorted keys', () => {
    expect(patternText('orders.created')).toBe('orders.created');
    expect(patternText({ role: 'orders', cmd: 'sum' })).toBe('{"cmd":"sum","role":"orders"}');
    expect(patternText(undefined)).toBeNull();
  });

  it("reads what the message arrived on from the transport's context", () => {
    expect(contextPattern(new TcpContext([undefined as never, 'orders.charge']))).toBe('orders.charge');
    expect(contextPattern(new NatsContext(['orders.eu.created', undefined]))).toBe('orders.eu.created');
    expect(contextPattern(new RedisContext(['orders']))).toBe('orders');
    expect(contextPattern(undefined)).toBeNull();
    expect(contextPattern(hostile())).toBeNull();
  });

  it("names the transport after its context's class", () => {
    expect(transportOf(new TcpContext([undefined as never, 'x']))).toBe('tcp');
    expect(transportOf(new NatsContext(['x', undefined]))).toBe('nats');
    expect(transportOf({})).toBeUndefined();
    expect(transportOf(hostile())).toBeUndefined();
  });

  it("joins a handler's several patterns", () => {
    expect(handlerPattern(['a', { cmd: 'b' }])).toBe('a, {"cmd":"b"}');
    expect(handlerPattern(['a'])).toBe('a');
    expect(handlerPattern(undefined)).toBeNull();
  });
});
