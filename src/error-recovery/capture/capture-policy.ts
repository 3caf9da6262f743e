/** Statuses captured even though they are client errors: they matter for security and capacity. */
export const SECURITY_STATUSES: readonly number[] = [401, 403, 429];

/** Status carried by an HttpException (getStatus) or an http-errors style error (statusCode + expose). */
export function incomingHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const e = error as { getStatus?: unknown; getResponse?: unknown; statusCode?: unknown; status?: unknown; expose?: unknown };
    if (typeof e.getStatus === 'function' && typeof e.getResponse === 'function') {
      const status = (e.getStatus as () => unknown).call(error);
      return typeof status === 'number' ? status : undefined;
    }
    if (typeof e.expose === 'boolean' && typeof e.statusCode === 'number' && e.status === e.statusCode) {
      return e.statusCode;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Whether an error is stored: every error that is not an HTTP exception (including outbound HTTP
 * client errors that carry a status), every 5xx, 401/403/429, and the extra statuses configured.
 * Other 4xx are the client's mistakes and are answered as plain Nest would, without a row.
 */
export function shouldCaptureError(error: unknown, extraStatuses: readonly number[]): boolean {
  const status = incomingHttpStatus(error);
  if (status === undefined) return true;
  return status >= 500 || SECURITY_STATUSES.includes(status) || extraStatuses.includes(status);
}

const REPLAY_SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether running a request again cannot do harm: idempotent methods, a request carrying an
 * Idempotency-Key, or a route that opted in (`@AiErrorHandler({ replaySafe: true })`; `false` opts out).
 */
export function isReplaySafe(method: string | null, headers: Record<string, unknown>, routeOptIn?: boolean): boolean {
  if (routeOptIn !== undefined) return routeOptIn;
  if (method !== null && REPLAY_SAFE_METHODS.has(method.toUpperCase())) return true;
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0;
}
