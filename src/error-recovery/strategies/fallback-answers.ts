import type { ModuleRef } from '@nestjs/core';
import type { RecoveryContext } from './recovery-strategy.interface.js';

/** Headers of a degraded answer. */
export const degraded = (recovery: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'X-Recovery': recovery,
  'X-Degraded': 'true',
  ...extra,
});

/**
 * Calls the route's own fallback (`@AiErrorHandler({ fallback })`): a function, or the name of a
 * method of the route's controller, as `(error, request)`. Undefined when the route has none.
 */
export async function callRouteFallback(
  ctx: Pick<RecoveryContext, 'routeOptions' | 'controller' | 'error' | 'request'>,
  moduleRef: ModuleRef,
): Promise<{ value: unknown } | undefined> {
  const fallback = ctx.routeOptions?.fallback;
  if (fallback === undefined) return undefined;
  if (typeof fallback === 'function') return { value: await fallback(ctx.error, ctx.request?.raw) };
  if (!ctx.controller) throw new Error(`fallback "${fallback}" needs the route's controller, which is not in hand`);
  const instance = moduleRef.get(ctx.controller, { strict: false }) as Record<string, unknown>;
  const method = instance[fallback];
  if (typeof method !== 'function') throw new Error(`${ctx.controller.name} has no method "${fallback}" to fall back to`);
  return { value: await (method as (e: unknown, r: unknown) => unknown).call(instance, ctx.error, ctx.request?.raw) };
}

/** Request headers safe to forward to a fallback upstream (no credentials, no hop-by-hop). */
const FORWARDED = ['accept', 'accept-language', 'content-type', 'user-agent', 'x-request-id', 'x-correlation-id', 'idempotency-key'];

/**
 * The URL a request is forwarded to: the configured base with the request's path and query
 * appended. Only the path and query of the request are used — a request in absolute form
 * (`GET http://other-host/x`) or with a protocol-relative path (`//other-host/x`) still goes to the
 * configured host, never to one the client chose; dot segments that would climb out of the
 * configured base path throw.
 */
export function upstreamTarget(baseUrl: string, requestUrl: string): URL {
  let path: string;
  let search: string;
  if (!requestUrl.startsWith('/')) {
    // Absolute form (or garbage, which throws: a failed step): keep its path and query, drop its origin.
    const asked = new URL(requestUrl);
    path = asked.pathname;
    search = asked.search;
  } else {
    const at = requestUrl.indexOf('?');
    path = at === -1 ? requestUrl : requestUrl.slice(0, at);
    search = at === -1 ? '' : requestUrl.slice(at);
  }
  const target = new URL(baseUrl);
  const basePath = target.pathname.replace(/\/+$/, '');
  // The pathname setter never changes the host, whatever `path` holds (`//other-host/x` included).
  target.pathname = `${basePath}${path}`;
  // But it does resolve dot segments (`/../admin`, `/%2e%2e/admin`): they must not climb out of the
  // configured base path to other endpoints of the upstream host.
  if (basePath !== '' && target.pathname !== basePath && !target.pathname.startsWith(`${basePath}/`)) {
    throw new Error('the request path resolves outside the fallback upstream base path');
  }
  target.search = search;
  target.hash = '';
  return target;
}

/**
 * Reads a response body as text, giving up (and cancelling the stream) past `maxBytes`; `what`
 * names the body in the error (default: the fallback upstream's).
 */
export async function readLimited(response: Response, maxBytes: number, what = 'fallback upstream body'): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`${what} of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`${what} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Limits of a forwarded request. */
export interface UpstreamLimits {
  /** Timeout of the whole exchange, ms. */
  timeoutMs: number;
  /** Largest body read from the upstream, bytes. */
  maxBytes: number;
}

/** Forwards the request to the fallback upstream; resolves with its JSON (or text) on 2xx. */
export async function forwardToUpstream(ctx: RecoveryContext, baseUrl: string, limits: UpstreamLimits): Promise<{ value: unknown; status: number }> {
  const request = ctx.request!;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const hasBody = !['GET', 'HEAD'].includes(request.method) && request.body !== undefined;
  const response = await fetch(upstreamTarget(baseUrl, request.url), {
    method: request.method,
    headers,
    body: hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined,
    signal: AbortSignal.any([AbortSignal.timeout(limits.timeoutMs), ctx.budget.signal]),
    redirect: 'manual',
  });
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`fallback upstream answered ${response.status}`);
  }
  const text = await readLimited(response, limits.maxBytes);
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { value: isJson && text ? JSON.parse(text) : text, status: response.status };
}
