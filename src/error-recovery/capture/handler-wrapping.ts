import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';

/** A route handler as Nest calls it: `instance[methodName](...args)`. */
export type RouteHandler = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Where the wrapper finds the response among the arguments Nest passes: the handler's own `@Res()`
 * (`added: false`), or one this module declared after its parameters (`added: true`, stripped
 * before the handler is called).
 */
export interface ResponseArgument {
  readonly index: number;
  readonly added: boolean;
}

/** Marks a wrapper; holds the original handler. */
const ORIGINAL = Symbol.for('error-recovery:original-handler');

/** Where the response argument of a method is recorded (class-level, like Nest's own param metadata). */
const RESPONSE_ARGUMENT_METADATA = 'ERROR_RECOVERY:RESPONSE_ARGUMENT';

interface ParamEntry {
  index: number;
}

/**
 * The class the parameter decorators of `methodName` stored their metadata on, found as Nest finds
 * it (`getParamsHost`): the constructor of the prototype declaring the method.
 */
function paramsHost(instance: object, methodName: string): object {
  type Ctor = { prototype?: Record<string, unknown> };
  const classRef = (instance as { constructor: Ctor }).constructor;
  const prototype = classRef.prototype;
  const ctor = prototype?.constructor as unknown;
  if (typeof ctor === 'function' && prototype && (ctor as Ctor).prototype?.[methodName] === prototype[methodName]) return ctor;
  return classRef;
}

/**
 * The response argument of a route, declaring one when the method has no `@Res()`: a RESPONSE
 * parameter after the last declared one, with response passthrough on (so Nest still sends the
 * handler's value) unless the method takes `@Next()` (then it answers by itself already).
 * Class-level metadata is shared by every app in the process: this is idempotent.
 */
export function responseArgument(instance: object, methodName: string): ResponseArgument {
  const host = paramsHost(instance, methodName);
  const known = Reflect.getOwnMetadata(RESPONSE_ARGUMENT_METADATA, host, methodName) as ResponseArgument | undefined;
  if (known) return known;
  const params = { ...((Reflect.getMetadata(ROUTE_ARGS_METADATA, host, methodName) ?? {}) as Record<string, ParamEntry>) };
  const typeOf = (key: string): string => key.split(':')[0];
  const own = Object.keys(params).find((key) => typeOf(key) === String(RouteParamtypes.RESPONSE));
  let argument: ResponseArgument;
  if (own) {
    argument = { index: params[own].index, added: false };
  } else {
    const index = Object.values(params).reduce((max, p) => Math.max(max, p.index + 1), 0);
    const takesNext = Object.keys(params).some((key) => typeOf(key) === String(RouteParamtypes.NEXT));
    params[`${RouteParamtypes.RESPONSE}:${index}`] = { index, data: undefined, pipes: [] } as ParamEntry;
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, params, host, methodName);
    if (!takesNext) Reflect.defineMetadata(RESPONSE_PASSTHROUGH_METADATA, true, host, methodName);
    argument = { index, added: true };
  }
  Reflect.defineMetadata(RESPONSE_ARGUMENT_METADATA, argument, host, methodName);
  return argument;
}

/** The original handler behind a wrapper; undefined for anything else. */
export function originalOf(fn: unknown): RouteHandler | undefined {
  return typeof fn === 'function' ? ((fn as { [ORIGINAL]?: RouteHandler })[ORIGINAL] ?? undefined) : undefined;
}

/**
 * Puts `wrapper` in place of `instance[methodName]` as an own property of this instance (never on
 * the prototype: several apps of one process share the controller classes), carrying every piece of
 * the original's reflect metadata (guards, pipes, interceptors, filters, @HttpCode, @Header,
 * @Redirect, @Render, @Sse, versions, Swagger…) and its name. False when the method is already wrapped.
 */
export function replaceHandler(instance: object, methodName: string, wrapper: RouteHandler): boolean {
  const target = instance as Record<string, unknown>;
  const original = target[methodName];
  if (typeof original !== 'function' || originalOf(original)) return false;
  for (const key of Reflect.getOwnMetadataKeys(original) as unknown[]) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original) as unknown, wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(instance, methodName, { value: wrapper, writable: true, configurable: true, enumerable: false });
  return true;
}
