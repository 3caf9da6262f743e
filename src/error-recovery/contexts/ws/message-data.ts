import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { isObjectLike, readProp } from '../../common/safe-read.js';
import type { ClassRef } from '../../capture/operation-integration.js';
import { DEFAULT_PAYLOAD_INDEX, WS_PARAMTYPE_PAYLOAD } from './websockets.constants.js';

/** Reads the message data out of one call's arguments. */
export type MessageData = (args: readonly unknown[]) => unknown;

/** One `@MessageBody()` parameter: its position and the property it picks (none: the whole data). */
interface BodyParameter {
  index: number;
  property: string | undefined;
}

/**
 * How to find the message data among the arguments Nest calls `methodName` with, from Nest's param
 * metadata (`__routeArguments__`, keys `<type>:<index>`): the `@MessageBody()` parameter, after the
 * app's pipes; when the handler only takes properties (`@MessageBody('id')`), an object of those;
 * without parameter decorators Nest calls it with `(client, data, ack)`. A handler that declares
 * no `@MessageBody()` gets undefined: its data is not in hand.
 */
export function messageData(classRef: ClassRef, methodName: string): MessageData {
  const metadata: unknown = Reflect.getMetadata(ROUTE_ARGS_METADATA, classRef, methodName);
  if (!isObjectLike(metadata)) return (args) => args[DEFAULT_PAYLOAD_INDEX];
  const bodies: BodyParameter[] = [];
  for (const [key, parameter] of Object.entries(metadata)) {
    const index = readProp(parameter, 'index');
    const property = readProp(parameter, 'data');
    if (key.split(':')[0] !== String(WS_PARAMTYPE_PAYLOAD) || typeof index !== 'number') continue;
    bodies.push({ index, property: typeof property === 'string' ? property : undefined });
  }
  const whole = bodies.find((b) => b.property === undefined);
  if (whole) return (args) => args[whole.index];
  if (bodies.length === 0) return () => undefined;
  return (args) => Object.fromEntries(bodies.map((b) => [b.property, args[b.index]]));
}
