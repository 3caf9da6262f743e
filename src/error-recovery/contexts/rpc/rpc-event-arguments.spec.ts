import 'reflect-metadata';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Ctx, EventPattern, GrpcMethod, Payload } from '@nestjs/microservices';
import { eventArguments } from './rpc-event-arguments.js';

class Handlers {
  @EventPattern<string>('bare')
  bare(): void {}

  @EventPattern<string>('whole')
  whole(@Payload() _data: unknown, @Ctx() _context: unknown): void {}

  @EventPattern<string>('part')
  part(@Payload('id') _id: string, @Ctx() _context: unknown): void {}

  @EventPattern<string>('no-context')
  noContext(@Payload() _data: unknown): void {}

  /** Nest passes a gRPC handler without parameter decorators the request, its metadata and the call. */
  @GrpcMethod('Heroes', 'FindOne')
  findOne(data: unknown, metadata: unknown, call: unknown): unknown[] {
    return [data, metadata, call];
  }
}

const keysOf = (methodName: string): string[] => Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, methodName) ?? {}) as object).sort();

describe('eventArguments', () => {
  it('a handler without parameter decorators: Nest passes the payload first; the context is declared after it', () => {
    expect(eventArguments(Handlers, 'bare')).toEqual({ payload: 0, context: 1, declared: 1, added: true });
    expect(keysOf('bare')).toEqual(['3:0', '6:1']);
  });

  it('a handler that takes the whole payload and the context: nothing declared', () => {
    const before = keysOf('whole');
    expect(eventArguments(Handlers, 'whole')).toEqual({ payload: 0, context: 1, declared: 2, added: false });
    expect(keysOf('whole')).toEqual(before);
  });

  it('a handler that takes one property of the payload: the whole payload is declared after its parameters', () => {
    expect(eventArguments(Handlers, 'part')).toEqual({ payload: 2, context: 1, declared: 2, added: true });
    expect(keysOf('part')).toEqual(['3:0', '3:2', '6:1']);
  });

  it("a gRPC handler without parameter decorators: Nest's gRPC default (request, metadata, call) is kept, nothing declared", () => {
    expect(eventArguments(Handlers, 'findOne')).toEqual({ payload: 0, context: 1, declared: 3, added: false });
    expect(Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, 'findOne')).toBeUndefined();
  });

  it('is idempotent: a second app of the process finds the same layout and declares nothing more', () => {
    const first = eventArguments(Handlers, 'noContext');
    const keys = keysOf('noContext');
    expect(eventArguments(Handlers, 'noContext')).toBe(first);
    expect(keysOf('noContext')).toEqual(keys);
    expect(first).toEqual({ payload: 0, context: 1, declared: 1, added: true });
  });
});
