import type { CaptureOptions } from '../error-recovery-options.interface.js';
import type { JsonValue } from '../common/safe-serialize.js';
import { scrub, scrubHeaders, scrubString } from '../common/scrub.js';

/** What is stored about the request that failed. Everything here is scrubbed and capped. */
export interface RequestSnapshot {
  method: string | null;
  route: string | null;
  path: string | null;
  requestId: string | null;
  headers: Record<string, unknown>;
  context: { [key: string]: JsonValue };
}

/** Snapshot of an error that did not come from an HTTP request (withRecovery, jobs). */
export const NO_REQUEST: RequestSnapshot = { method: null, route: null, path: null, requestId: null, headers: {}, context: {} };

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
    method: str(req.method, 10),
    route: routePattern(req),
    path,
    requestId: str(headers['x-request-id'], 200) ?? str(headers['x-correlation-id'], 200) ?? str(req.id, 200),
    headers,
    context: fit(context, options.maxContextBytes),
  };
}
