import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { CONTEXT_PARAM, GRPC_CALL_PARAM, GRPC_TRANSPORT, PAYLOAD_PARAM, TRANSPORT_METADATA } from './rpc.constants.js';

/**
 * Where an `@EventPattern()` handler's wrapper finds the payload and the transport's context among
 * the arguments Nest passes. `declared` is how many arguments the handler itself takes; when the
 * module declared parameters after them (`added`), the call is cut back to `declared` before the
 * handler runs.
 */
export interface EventArguments {
  readonly payload: number;
  readonly context: number;
  readonly declared: number;
  readonly added: boolean;
}

/** Where the layout of a method is kept (class-level, like Nest's own param metadata). */
const EVENT_ARGUMENTS_METADATA = 'ERROR_RECOVERY:RPC_EVENT_ARGUMENTS';

interface ParamEntry {
  index: number;
  data?: unknown;
}

/** What Nest passes to a handler with no parameter decorator (`DEFAULT_CALLBACK_METADATA`): the payload. */
const DEFAULT_PARAMS: Record<string, ParamEntry> = { [`${PAYLOAD_PARAM}:0`]: { index: 0, data: undefined } };

/**
 * What Nest passes to a gRPC handler with no parameter decorator (`DEFAULT_GRPC_CALLBACK_METADATA`):
 * the request, its metadata (where the context goes) and the call. Declaring anything here would
 * replace that default and take the metadata and the call from the handler.
 */
const DEFAULT_GRPC_PARAMS: Record<string, ParamEntry> = {
  ...DEFAULT_PARAMS,
  [`${CONTEXT_PARAM}:1`]: { index: 1, data: undefined },
  [`${GRPC_CALL_PARAM}:2`]: { index: 2, data: undefined },
};

const typeOf = (key: string): string => key.split(':')[0];

/**
 * The arguments layout of an event handler, declaring what it lacks: a whole-payload parameter
 * (`@Payload()` without a property) and a context parameter (`@Ctx()`) after its own. Must run
 * before the microservice binds its handlers (Nest reads the param metadata then, once). Class-level
 * metadata is shared by every app of the process: this is idempotent. An app of the process without
 * the module calls the handler with those extra trailing arguments, which it does not read.
 */
export function eventArguments(classRef: object, methodName: string): EventArguments {
  const known = Reflect.getOwnMetadata(EVENT_ARGUMENTS_METADATA, classRef, methodName) as EventArguments | undefined;
  if (known) return known;
  const declaredParams = Reflect.getMetadata(ROUTE_ARGS_METADATA, classRef, methodName) as Record<string, ParamEntry> | undefined;
  const method = (classRef as { prototype?: Record<string, unknown> }).prototype?.[methodName];
  const grpc = typeof method === 'function' && Reflect.getMetadata(TRANSPORT_METADATA, method) === GRPC_TRANSPORT;
  const params = { ...(declaredParams ?? (grpc ? DEFAULT_GRPC_PARAMS : DEFAULT_PARAMS)) };
  const declared = Object.values(params).reduce((max, p) => Math.max(max, p.index + 1), 0);
  let next = declared;
  const find = (type: number, whole: boolean): number | undefined => {
    const key = Object.keys(params).find((k) => typeOf(k) === String(type) && (!whole || params[k].data === undefined));
    return key === undefined ? undefined : params[key].index;
  };
  const declare = (type: number): number => {
    const index = next++;
    params[`${type}:${index}`] = { index, data: undefined, pipes: [] } as ParamEntry;
    return index;
  };
  const payload = find(PAYLOAD_PARAM, true) ?? declare(PAYLOAD_PARAM);
  const context = find(CONTEXT_PARAM, false) ?? declare(CONTEXT_PARAM);
  const layout: EventArguments = { payload, context, declared, added: next > declared };
  if (layout.added) Reflect.defineMetadata(ROUTE_ARGS_METADATA, params, classRef, methodName);
  Reflect.defineMetadata(EVENT_ARGUMENTS_METADATA, layout, classRef, methodName);
  return layout;
}
