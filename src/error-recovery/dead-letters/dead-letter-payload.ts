import { scrub } from '../common/scrub.js';
import { safeSerialize, type JsonValue, type SafeSerializeOptions } from '../common/safe-serialize.js';

type JsonObject = { [key: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(root: JsonValue, path: string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const key of path) node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  return node;
}

/** Puts `value` back at `path`; a parent filtered as a whole (its name looked secret) comes back holding only the kept fields. */
function put(root: JsonValue, path: string[], value: JsonValue): void {
  if (!isObject(root)) return;
  let parent = root;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    parent = parent[key] = isObject(next) ? next : {};
  }
  parent[path[path.length - 1]] = value;
}

/**
 * The payload as a dead letter stores it: serialised within `limits`, then scrubbed by the error
 * rows' rules, except the values at `keepFields` (dotted paths from the root), which are put back
 * as they were (under a parent filtered as a whole, that parent keeps only them).
 */
export function storedPayload(payload: unknown, keepFields: readonly string[], limits: SafeSerializeOptions): JsonValue {
  const json = safeSerialize(payload, limits);
  const kept = keepFields.map((field) => ({ path: field.split('.'), value: at(json, field.split('.')) })).filter((k) => k.value !== undefined);
  const scrubbed = scrub(json, limits);
  for (const { path, value } of kept) put(scrubbed, path, value!);
  return scrubbed;
}

/** Size of `value` as UTF-8 JSON, in bytes. */
export const jsonBytes = (value: JsonValue): number => Buffer.byteLength(JSON.stringify(value), 'utf8');
