import { messageOf } from '../common/error-text.js';
import { CheckpointNotSerializableError } from '../errors/checkpoint-not-serializable.error.js';
import { CheckpointTooLargeError } from '../errors/checkpoint-too-large.error.js';
import { InvalidCheckpointArgumentError } from '../errors/invalid-checkpoint-argument.error.js';

/** Longest key, characters: it is a primary key column and part of a Redis key. */
export const MAX_CHECKPOINT_KEY_LENGTH = 200;
const KEY = /^[A-Za-z0-9._:/-]+$/;

/** Throws `InvalidCheckpointArgumentError` unless `key` is 1–200 characters of `A-Z a-z 0-9 . _ : / -`. */
export function assertCheckpointKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new InvalidCheckpointArgumentError('key', `expected a string, got ${typeof key}`);
  if (key.length === 0) throw new InvalidCheckpointArgumentError('key', 'it is empty');
  if (key.length > MAX_CHECKPOINT_KEY_LENGTH) throw new InvalidCheckpointArgumentError('key', `it has ${key.length} characters, at most ${MAX_CHECKPOINT_KEY_LENGTH} are allowed`);
  if (!KEY.test(key)) throw new InvalidCheckpointArgumentError('key', `${JSON.stringify(key.slice(0, 80))} has characters outside A-Z a-z 0-9 . _ : / -`);
}

/** `ttl` if it is a positive finite number of ms, else `InvalidCheckpointArgumentError`. */
export function checkedTtl(ttl: unknown): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) throw new InvalidCheckpointArgumentError('ttl', `expected a positive number of milliseconds, got ${String(ttl)}`);
  return ttl;
}

/** Objects JSON.stringify turns into `{}` (or index maps): silently lossy, so refused. */
const LOSSY_TAGS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Error', 'Promise', 'ArrayBuffer', 'SharedArrayBuffer']);

interface Problem {
  path: string;
  found: string;
}

const child = (path: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** The first value in `value` that would not come back from JSON as it is, depth first. */
function findProblem(value: unknown, path: string, ancestors: Set<object>, inArray: boolean): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, found: String(value) };
    case 'bigint':
      return { path, found: 'a BigInt' };
    case 'function':
      return { path, found: 'a function' };
    case 'symbol':
      return { path, found: 'a symbol' };
    case 'undefined':
      // An object property that is undefined is dropped, and reads back as undefined; elsewhere it would become null.
      return inArray || path === '$' ? { path, found: 'undefined' } : undefined;
    default:
      break;
  }
  if (value === null) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === 'function') return findProblem(object.toJSON(), path, ancestors, inArray);
  if (ancestors.has(object)) return { path, found: 'a reference back to one of its parents (a cycle)' };
  const tag = Object.prototype.toString.call(object).slice(8, -1);
  if (LOSSY_TAGS.has(tag) || ArrayBuffer.isView(object)) return { path, found: `a ${tag}` };
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        const problem = findProblem(object[i], `${path}[${i}]`, ancestors, true);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const key of Object.keys(object)) {
      let item: unknown;
      try {
        item = object[key];
      } catch (e) {
        return { path: child(path, key), found: `unreadable (${messageOf(e, 200)})` };
      }
      const problem = findProblem(item, child(path, key), ancestors, false);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}

/**
 * `state` as the JSON text that is stored, after checking that it round-trips: otherwise
 * `CheckpointNotSerializableError` naming the first offending path, or `CheckpointTooLargeError`
 * beyond `maxBytes` (UTF-8).
 */
export function checkpointJson(key: string, state: unknown, maxBytes: number): string {
  let json: string | undefined;
  try {
    const problem = findProblem(state, '$', new Set(), false);
    if (problem) throw new CheckpointNotSerializableError(key, problem.path, problem.found);
    json = JSON.stringify(state);
  } catch (e) {
    if (e instanceof CheckpointNotSerializableError) throw e;
    // A throwing getter or toJSON, a Proxy trap, or nesting deeper than the stack.
    throw new CheckpointNotSerializableError(key, '$', `unreadable (${messageOf(e, 200)})`);
  }
  if (json === undefined) throw new CheckpointNotSerializableError(key, '$', 'not representable as JSON');
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) throw new CheckpointTooLargeError(key, bytes, maxBytes);
  return json;
}
