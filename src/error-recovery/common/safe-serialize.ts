/** Plain data that `JSON.stringify` accepts as-is and that round-trips unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Limits of {@link safeSerialize}; every limit exists so a hostile value cannot cost unbounded time. */
export interface SafeSerializeOptions {
  /** Nesting below this depth is replaced by `[Object]` / `[Array]`. Default 6. */
  maxDepth?: number;
  /** Longer strings (and keys) are cut with {@link truncate}. Default 2000. */
  maxStringLength?: number;
  /** Own keys kept per object. Default 50. */
  maxKeys?: number;
  /** Items kept per array, Set or Map. Default 50. */
  maxArrayLength?: number;
  /** Values visited in total; keys × depth alone could still mean billions of nodes. Default 5000. */
  maxNodes?: number;
}

const UNREADABLE = '[Unreadable]';

/**
 * Cuts `s` to at most `max` characters plus a marker saying how much was dropped.
 * Never splits a surrogate pair, so the result stays valid UTF-16.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, Math.floor(max));
  const code = s.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…[truncated ${s.length - end} chars]`;
}

interface Ctx extends Required<Omit<SafeSerializeOptions, 'maxNodes'>> {
  nodesLeft: number;
  /** Objects on the current path only: a shared, non-circular reference is serialised again. */
  ancestors: Set<object>;
}

/**
 * Turns any value into plain JSON data without ever throwing: cycles become `[Circular]`,
 * throwing getters and Proxy traps `[Unreadable]`, BigInt its decimal string, functions
 * `[Function name]`, Dates ISO strings, binary data `[Buffer N bytes]`, Errors
 * `{ name, message, code? }`, Maps objects and Sets arrays. `undefined` object properties are
 * dropped (as JSON does) and become `null` elsewhere.
 */
export function safeSerialize(value: unknown, opts: SafeSerializeOptions = {}): JsonValue {
  const ctx: Ctx = {
    maxDepth: opts.maxDepth ?? 6,
    maxStringLength: opts.maxStringLength ?? 2000,
    maxKeys: opts.maxKeys ?? 50,
    maxArrayLength: opts.maxArrayLength ?? 50,
    nodesLeft: opts.maxNodes ?? 5000,
    ancestors: new Set(),
  };
  try {
    return visit(value, 0, ctx) ?? null;
  } catch {
    return UNREADABLE;
  }
}

/** `undefined` means "omit": only meaningful as an object property. */
function visit(value: unknown, depth: number, ctx: Ctx): JsonValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return truncate(value, ctx.maxStringLength);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}`;
    case 'symbol':
      return truncate(value.toString(), ctx.maxStringLength);
    case 'function':
      return `[Function ${functionName(value)}]`;
    default:
      return value === null ? null : visitObject(value as object, depth, ctx);
  }
}

function functionName(fn: object): string {
  const name = read(fn, 'name');
  return typeof name === 'string' && name !== '' && name !== UNREADABLE ? name.slice(0, 100) : 'anonymous';
}

function visitObject(obj: object, depth: number, ctx: Ctx): JsonValue {
  if (ctx.ancestors.has(obj)) return '[Circular]';
  if (ctx.nodesLeft <= 0) return '[Truncated]';
  ctx.nodesLeft -= 1;
  try {
    const leaf = leafOf(obj, ctx);
    if (leaf !== undefined) return leaf;
    if (depth >= ctx.maxDepth) return Array.isArray(obj) || obj instanceof Set ? '[Array]' : '[Object]';
    ctx.ancestors.add(obj);
    try {
      return containerOf(obj, depth + 1, ctx);
    } finally {
      ctx.ancestors.delete(obj);
    }
  } catch {
    return UNREADABLE;
  }
}

/** Objects rendered as a single value rather than walked. */
function leafOf(obj: object, ctx: Ctx): JsonValue | undefined {
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
    return `[Buffer ${obj.byteLength} bytes]`;
  }
  if (obj instanceof Promise) return '[Promise]';
  if (obj instanceof WeakMap || obj instanceof WeakSet) return '[Weak collection]';
  if (isErrorLike(obj)) return errorOf(obj, ctx);
  return undefined;
}

function isErrorLike(obj: object): boolean {
  try {
    return obj instanceof Error || Object.prototype.toString.call(obj) === '[object Error]';
  } catch {
    return false;
  }
}

/** Only name, message and code: an Error's other fields (config, request, socket) are huge. */
function errorOf(err: object, ctx: Ctx): JsonValue {
  const [name, message, code] = [read(err, 'name'), read(err, 'message'), read(err, 'code')];
  const out: { [key: string]: JsonValue } = {
    name: typeof name === 'string' ? truncate(name, 200) : 'Error',
    message: typeof message === 'string' ? truncate(message, ctx.maxStringLength) : '',
  };
  if (typeof code === 'string') out.code = truncate(code, 100);
  else if (typeof code === 'number' && Number.isFinite(code)) out.code = code;
  return out;
}

function read(obj: object, key: PropertyKey): unknown {
  try {
    return (obj as Record<PropertyKey, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

function containerOf(obj: object, depth: number, ctx: Ctx): JsonValue {
  if (Array.isArray(obj)) return listOf(obj, depth, ctx);
  if (obj instanceof Set) return listOf(obj, depth, ctx);
  if (obj instanceof Map) return mapOf(obj, depth, ctx);
  const toJSON = read(obj, 'toJSON');
  if (typeof toJSON === 'function') {
    // Honour the object's own JSON form (Decimal, ObjectId, …) exactly as JSON.stringify would.
    return visit((toJSON as () => unknown).call(obj), depth, ctx) ?? null;
  }
  return recordOf(obj, depth, ctx);
}

function listOf(items: readonly unknown[] | Set<unknown>, depth: number, ctx: Ctx): JsonValue[] {
  const out: JsonValue[] = [];
  if (Array.isArray(items)) {
    const kept = Math.min(items.length, ctx.maxArrayLength);
    for (let i = 0; i < kept; i += 1) out.push(visit(read(items, i), depth, ctx) ?? null);
  } else {
    for (const item of items) {
      if (out.length >= ctx.maxArrayLength) break;
      out.push(visit(item, depth, ctx) ?? null);
    }
  }
  const size = Array.isArray(items) ? items.length : (items as Set<unknown>).size;
  if (size > out.length) out.push(`…[${size - out.length} more items]`);
  return out;
}

function mapOf(map: Map<unknown, unknown>, depth: number, ctx: Ctx): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  let i = 0;
  for (const [k, v] of map) {
    if (i >= ctx.maxKeys) {
      out['…'] = `[${map.size - i} more keys]`;
      break;
    }
    const key = typeof k === 'object' || typeof k === 'function' ? `[key ${i}]` : String(k);
    const item = visit(v, depth, ctx);
    if (item !== undefined) put(out, truncate(key, ctx.maxStringLength), item);
    i += 1;
  }
  return out;
}

function recordOf(obj: object, depth: number, ctx: Ctx): JsonValue {
  const keys = Object.keys(obj);
  const out: { [key: string]: JsonValue } = {};
  const kept = Math.min(keys.length, ctx.maxKeys);
  for (let i = 0; i < kept; i += 1) {
    const key = keys[i] as string;
    const item = visit(read(obj, key), depth, ctx);
    if (item !== undefined) put(out, truncate(key, ctx.maxStringLength), item);
  }
  if (keys.length > kept) out['…'] = `[${keys.length - kept} more keys]`;
  return out;
}

/** Plain assignment of `__proto__` would replace the prototype instead of adding a key. */
function put(out: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}
