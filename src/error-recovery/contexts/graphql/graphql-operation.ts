import type { CaptureOptions } from '../../error-recovery-options.interface.js';
import { operationSnapshot, type RequestSnapshot } from '../../capture/request-snapshot.js';
import { readProp, readString } from '../../common/safe-read.js';

/** What identifies the GraphQL work that failed, read from its resolver's `info`. */
export interface GraphqlOperation {
  /** `<ParentType>.<field>`, e.g. `Query.order`, `Order.note`. */
  field: string;
  /** `query`, `mutation` or `subscription`; null when the resolver was called without `info`. */
  operationType: string | null;
  /** The operation's name (`query Checkout { … }`); null for an anonymous one. */
  operationName: string | null;
  /** The field's path in the result, as in a GraphQL error (`['order', 'note']`). */
  path: (string | number)[];
  /** The operation's variables (scrubbed when stored). */
  variables: unknown;
}

/** Deepest path kept: a result nested deeper is cut at its top. */
const MAX_PATH_DEPTH = 50;

/** graphql-js's `info.path`, a linked list from the field to the root, as an array from the root. */
function pathOf(info: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  for (let node = readProp(info, 'path'); node !== undefined && node !== null && path.length < MAX_PATH_DEPTH; node = readProp(node, 'prev')) {
    const key = readProp(node, 'key');
    if (typeof key === 'string' || typeof key === 'number') path.unshift(key);
  }
  return path;
}

/**
 * The operation of a resolver call, read from graphql-js's `info` without trusting it (any read
 * may throw). `field` falls back to `fallbackField` (from the resolver's metadata) without `info`.
 */
export function readGraphqlOperation(info: unknown, fallbackField: string): GraphqlOperation {
  const parentType = readString(readProp(info, 'parentType'), 'name');
  const fieldName = readString(info, 'fieldName');
  const operation = readProp(info, 'operation');
  return {
    field: parentType && fieldName ? `${parentType}.${fieldName}` : fallbackField,
    operationType: readString(operation, 'operation') ?? null,
    operationName: readString(readProp(operation, 'name'), 'value') ?? null,
    path: pathOf(info),
    variables: readProp(info, 'variableValues'),
  };
}

/** What is stored about a failed resolver call: its operation, with the variables scrubbed. */
export function graphqlSnapshot(operation: GraphqlOperation, options: Pick<Required<CaptureOptions>, 'maxContextBytes'>): RequestSnapshot {
  const { operationType, operationName, path, variables } = operation;
  return operationSnapshot('graphql', operation.field, { operationType, operationName, path, variables }, options);
}
