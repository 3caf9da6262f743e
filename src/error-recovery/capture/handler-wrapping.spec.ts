import 'reflect-metadata';
import {
  Controller,
  createParamDecorator,
  Get,
  Header,
  HttpCode,
  Next,
  Post,
  Redirect,
  Res,
  SetMetadata,
  Sse,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  Version,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { originalOf, replaceHandler, responseArgument, type RouteHandler } from './handler-wrapping.js';

class Guard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}
class Pipe implements PipeTransform {
  transform(v: unknown): unknown {
    return v;
  }
}
class Interceptor implements NestInterceptor {
  intercept(_: unknown, next: CallHandler) {
    return next.handle();
  }
}
class Filter implements ExceptionFilter {
  catch(): void {}
}
const Tenant = createParamDecorator((_: unknown, ctx) => ctx.getType());
/** Where @nestjs/swagger's @ApiOperation() keeps its data: on the handler function, as SetMetadata does. */
const SWAGGER_OPERATION = 'swagger/apiOperation';

@Controller('orders')
class OrdersController {
  @Get(':id')
  @UseGuards(Guard)
  @UsePipes(Pipe)
  @UseInterceptors(Interceptor)
  @UseFilters(Filter)
  @HttpCode(202)
  @Header('X-Kind', 'order')
  @Version('2')
  @SetMetadata(SWAGGER_OPERATION, { summary: 'one order' })
  find(@Tenant() tenant: string, id?: string): string {
    return `${tenant}:${id}`;
  }

  @Get('old')
  @Redirect('/orders/new', 301)
  old(): void {}

  @Sse('events')
  events(): void {}

  @Get('manual')
  manual(@Res() res: unknown): unknown {
    return res;
  }

  @Get('passthrough')
  passthrough(@Tenant() _t: string, @Res({ passthrough: true }) res: unknown): unknown {
    return res;
  }

  @Post('next')
  withNext(@Next() next: unknown): unknown {
    return next;
  }
}

const params = (method: string): Record<string, { index: number }> => Reflect.getMetadata(ROUTE_ARGS_METADATA, OrdersController, method) as Record<string, { index: number }>;
const passthrough = (method: string): unknown => Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, OrdersController, method);
const responseKeys = (method: string): string[] => Object.keys(params(method)).filter((k) => k.startsWith(`${RouteParamtypes.RESPONSE}:`));

describe('responseArgument', () => {
  it('declares a response parameter after the last one, with passthrough, when the method has no @Res()', () => {
    const before = Object.keys(params('find'));
    expect(responseArgument(new OrdersController(), 'find')).toEqual({ index: 1, added: true });
    expect(Object.keys(params('find'))).toEqual([...before, `${RouteParamtypes.RESPONSE}:1`]);
    // The custom decorator's parameter is still there, untouched.
    expect(before.some((k) => k.includes('__customRouteArgs__'))).toBe(true);
    expect(passthrough('find')).toBe(true);
  });

  it("reuses the handler's own @Res() and leaves it a manual response", () => {
    expect(responseArgument(new OrdersController(), 'manual')).toEqual({ index: 0, added: false });
    expect(responseKeys('manual')).toEqual([`${RouteParamtypes.RESPONSE}:0`]);
    expect(passthrough('manual')).toBeUndefined();
  });

  it('reuses @Res({ passthrough: true })', () => {
    expect(responseArgument(new OrdersController(), 'passthrough')).toEqual({ index: 1, added: false });
    expect(passthrough('passthrough')).toBe(true);
  });

  it('adds a response to a @Next() handler without turning passthrough on (it answers by itself)', () => {
    expect(responseArgument(new OrdersController(), 'withNext')).toEqual({ index: 1, added: true });
    expect(passthrough('withNext')).toBeUndefined();
  });

  it('is idempotent: class metadata is shared by every app of the process', () => {
    const first = responseArgument(new OrdersController(), 'old');
    const keys = Object.keys(params('old'));
    expect(responseArgument(new OrdersController(), 'old')).toEqual(first);
    expect(Object.keys(params('old'))).toEqual(keys);
    expect(responseKeys('old')).toHaveLength(1);
  });
});

describe('replaceHandler', () => {
  const wrapperOf = (instance: OrdersController, method: keyof OrdersController): RouteHandler => {
    const original = instance[method] as RouteHandler;
    return function (this: unknown, ...args: unknown[]) {
      return original.apply(this, args);
    };
  };

  it.each(['find', 'old', 'events', 'manual', 'passthrough', 'withNext'] as const)('keeps every metadata key and the name of %s', (method) => {
    const instance = new OrdersController();
    const original = instance[method];
    expect(replaceHandler(instance, method, wrapperOf(instance, method))).toBe(true);
    const wrapper = instance[method];
    expect(wrapper).not.toBe(original);
    expect(wrapper.name).toBe(method);
    const keys = Reflect.getOwnMetadataKeys(original);
    expect(keys.length).toBeGreaterThan(0);
    expect(Reflect.getOwnMetadataKeys(wrapper)).toEqual(keys);
    for (const key of keys) expect(Reflect.getOwnMetadata(key, wrapper)).toBe(Reflect.getOwnMetadata(key, original));
    expect(originalOf(wrapper)).toBe(original);
  });

  it('carries guards, pipes, interceptors, filters, @HttpCode, @Header, @Version and custom (Swagger-style) metadata', () => {
    const instance = new OrdersController();
    replaceHandler(instance, 'find', wrapperOf(instance, 'find'));
    const read = (key: string): unknown => Reflect.getMetadata(key, instance.find);
    expect(read('__guards__')).toEqual([Guard]);
    expect(read('__pipes__')).toEqual([Pipe]);
    expect(read('__interceptors__')).toEqual([Interceptor]);
    expect(read('__exceptionFilters__')).toEqual([Filter]);
    expect(read('__httpCode__')).toBe(202);
    expect(read('__headers__')).toEqual([{ name: 'X-Kind', value: 'order' }]);
    expect(read('__version__')).toBe('2');
    expect(read(SWAGGER_OPERATION)).toEqual({ summary: 'one order' });
  });

  it('wraps an instance, never the prototype, and never twice', () => {
    const a = new OrdersController();
    const b = new OrdersController();
    const prototypeFind = OrdersController.prototype.find;
    expect(replaceHandler(a, 'find', wrapperOf(a, 'find'))).toBe(true);
    expect(replaceHandler(a, 'find', wrapperOf(a, 'find'))).toBe(false);
    expect(OrdersController.prototype.find).toBe(prototypeFind);
    expect(b.find).toBe(prototypeFind);
    expect(replaceHandler(b, 'find', wrapperOf(b, 'find'))).toBe(true);
    expect(originalOf(a.find)).toBe(prototypeFind);
    expect(originalOf(b.find)).toBe(prototypeFind);
  });
});
