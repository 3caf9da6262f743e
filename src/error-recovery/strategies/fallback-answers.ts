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

/** Forwards the request to the fallback upstream; resolves with its JSON (or text) on 2xx. */
export async function forwardToUpstream(ctx: RecoveryContext, baseUrl: string, timeoutMs: number): Promise<{ value: unknown; status: number }> {
  const request = ctx.request!;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const hasBody = !['GET', 'HEAD'].includes(request.method) && request.body !== undefined;
  const response = await fetch(new URL(request.url, baseUrl), {
    method: request.method,
    headers,
    body: hasBody ? (typeof request.body === 'string' ? request.body : JSON.stringify(request.body)) : undefined,
    signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), ctx.budget.signal]),
    redirect: 'manual',
  });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) throw new Error(`fallback upstream answered ${response.status}`);
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { value: isJson && text ? JSON.parse(text) : text, status: response.status };
}
