import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { GQL_PARAMTYPE_INFO, RAW_INFO_INDEX } from './graphql-metadata.constants.js';

/**
 * Where a resolver method finds GraphQL's `info` among the arguments it is called with: the
 * resolver's own `@Info()` (`added: false`), one this module declared after its parameters
 * (`added: true`, stripped before the method runs), or — for a method that declares no parameter,
 * which Nest calls with graphql-js's own `(root, args, context, info)` — the fourth argument.
 */
export interface InfoArgument {
  readonly index: number;
  readonly added: boolean;
}

/** Where the info argument of a method is recorded (class-level, like Nest's own param metadata). */
const INFO_ARGUMENT_METADATA = 'ERROR_RECOVERY:GRAPHQL_INFO_ARGUMENT';

interface ParamEntry {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/**
 * The info argument of `methodName` of `classRef` (whose param metadata Nest's GraphQL explorer
 * reads), declaring an INFO parameter when the method has parameters but no plain `@Info()`.
 * Must run before GraphQL builds its resolvers (it reads this metadata then). Class-level metadata
 * is shared by every app in the process: this is idempotent.
 */
export function infoArgument(classRef: object, methodName: string): InfoArgument {
  const known = Reflect.getOwnMetadata(INFO_ARGUMENT_METADATA, classRef, methodName) as InfoArgument | undefined;
  if (known) return known;
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, classRef, methodName) ?? {}) as Record<string, ParamEntry>;
  const keys = Object.keys(declared);
  let argument: InfoArgument;
  // `@Info(SomePipe)` passes what its pipes make of info: only a plain `@Info()` will do.
  const own = keys.find((key) => key.split(':')[0] === String(GQL_PARAMTYPE_INFO) && declared[key].data === undefined && (declared[key].pipes ?? []).length === 0);
  if (keys.length === 0) argument = { index: RAW_INFO_INDEX, added: false };
  else if (own) argument = { index: declared[own].index, added: false };
  else {
    const index = Object.values(declared).reduce((max, p) => Math.max(max, p.index + 1), 0);
    const params = { ...declared, [`${GQL_PARAMTYPE_INFO}:${index}`]: { index, data: undefined, pipes: [] } };
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, params, classRef, methodName);
    argument = { index, added: true };
  }
  Reflect.defineMetadata(INFO_ARGUMENT_METADATA, argument, classRef, methodName);
  return argument;
}
