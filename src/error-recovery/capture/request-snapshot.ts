import type { CaptureOptions } from '../error-recovery-options.interface.js';
import type { JsonValue } from '../common/safe-serialize.js';
import { scrub, scrubHeaders, scrubString } from '../common/scrub.js';
import type { ContextType } from '../common/context-type.js';

/** What is stored about the request that failed. Everything here is scrubbed and capped. */
export interface RequestSnapshot {
  /** `http` for a request; the other contexts build theirs with {@link operationSnapshot}. */
  contextType: ContextType;
  /** What identifies the work outside HTTP (`Query.order`, a pattern, a job name); null for HTTP. */
  operation: string | null;
  method: string | null;
  route: string | null;
  path: string | null;
  requestId: string | null;
  headers: Record<string, unknown>;
  context: { [key: string]: JsonValue };
}

/** Snapshot of an error of an HTTP request whose request is not in hand (`withRecovery` outside a request). */
export const NO_REQUEST: RequestSnapshot = Object.freeze({ contextType: 'http', operation: null, method: null, route: null, path: null, requestId: null, headers: {}, context: {} });

/**
 * What is stored about work that is not an HTTP request: its context type, what identifies it, and
 * its own context (GraphQL variables, a message payload, job data…), scrubbed like a request body
 * and capped at `capture.maxContextBytes` (the largest keys go first, `truncated: true` marks it).
 */
export function operationSnapshot(
  contextType: ContextType,
  operation: string | null,
  context: Record<string, unknown>,
  options: Pick<Required<CaptureOptions>, 'maxContextBytes'>,
  requestId: string | null = null,
): RequestSnapshot {
  const scrubbed: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(context)) {
    if (context[key] !== undefined) scrubbed[key] = scrub(context[key]);
  }
  return {
    contextType,
    operation: operation === null ? null : scrubString(operation).slice(0, 500),
    method: null,
    route: null,
    path: null,
    requestId: requestId === null ? null : requestId.slice(0, 200),
    headers: {},
    context: fitLargestFirst(scrubbed, options.maxContextBytes),
  };
}

/** Replaces the largest values with `'[Truncated]'` until the JSON fits in `maxBytes`. */
function fitLargestFirst(context: { [key: string]: JsonValue }, maxBytes: number): { [key: string]: JsonValue } {
  if (Buffer.byteLength(JSON.stringify(context)) <= maxBytes) return context;
  const bySize = Object.keys(context).sort((a, b) => JSON.stringify(context[b]).length - JSON.stringify(context[a]).length);
  let out = context;
  for (const key of bySize) {
    out = { ...out, [key]: '[Truncated]', truncated: true };
    if (Buffer.byteLength(JSON.stringify(out)) <= maxBytes) return out;
  }
  return out;
}

interface RequestLike {
  method?: unknown;
  originalUrl?: unknown;
  url?: unknown;
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
  user?: unknown;
  id?: unknown;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  baseUrl?: unknown;
}

const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);

function userId(user: unknown): JsonValue {
  if (typeof user !== 'object' || user === null) return null;
  const u = user as Record<string, unknown>;
  for (const key of ['id', 'sub', 'userId']) {
    const v = u[key];
    if (typeof v === 'string' || typeof v === 'number') return String(v).slice(0, 200);
  }
  return null;
}

/** Route pattern from the framework (Express `route.path` under `baseUrl`, Fastify `routeOptions.url`). */
export function routePattern(request: unknown): string | null {
  const req = request as RequestLike;
  const fastify = str(req.routeOptions?.url, 500);
  if (fastify) return fastify;
  const path = str(req.route?.path, 500);
  if (!path) return null;
  const base = str(req.baseUrl, 500) ?? '';
  return `${base}${path}`.slice(0, 500);
}

/** Removes keys from the end of the list until the JSON fits in `maxBytes`. */
function fit(context: { [key: string]: JsonValue }, maxBytes: number): { [key: string]: JsonValue } {
  const order = ['body', 'query', 'params', 'headers'];
  let out = context;
  for (const key of order) {
    if (Buffer.byteLength(JSON.stringify(out)) <= maxBytes) return out;
    if (key in out) out = { ...out, [key]: '[Truncated]', truncated: true };
  }
  return out;
}

/**
 * Reads what is worth keeping about a request: method, route pattern, path (no query string),
 * request id, and a context of params, query, allow-listed headers, body and user id.
 */
export function snapshotRequest(request: unknown, options: Required<CaptureOptions>): RequestSnapshot {
  if (typeof request !== 'object' || request === null) return NO_REQUEST;
  const req = request as RequestLike;
  const headers = (typeof req.headers === 'object' && req.headers !== null ? req.headers : {}) as Record<string, unknown>;
  const url = str(req.originalUrl, 4000) ?? str(req.url, 4000);
  const path = url === null ? null : scrubString(url.split('?')[0]).slice(0, 2000);
  const context: { [key: string]: JsonValue } = {
    params: scrub(req.params ?? {}),
    query: scrub(req.query ?? {}),
    headers: scrubHeaders(headers, options.headers),
  };
  if (options.includeBody && req.body !== undefined) context.body = scrub(req.body);
  const user = userId(req.user);
  if (user !== null) context.userId = user;
  return {
    contextType: 'http',
    operation: null,
    method: str(req.method, 10),
    route: routePattern(req),
    path,
    requestId: str(headers['x-request-id'], 200) ?? str(headers['x-correlation-id'], 200) ?? str(req.id, 200),
    headers,
    context: fit(context, options.maxContextBytes),
  };
}
