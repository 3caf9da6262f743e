import { MAX_RETRY_AFTER_SECONDS } from './error-tables.js';
import { httpExceptionBody } from './http-like.js';
import { isArray, isObjectLike, readProp } from '../common/safe-read.js';

/**
 * Seconds the client should wait, as stated by the error: `retryAfter` (seconds), a
 * `retry-after` header on `headers` or `response.headers` (plain object or a Fetch-style
 * `Headers` with `get()`), or `retryAfter` in a Nest HttpException's response body.
 * Header values are seconds or an HTTP date; the result is clamped to 0..3600.
 */
export function retryAfterSeconds(error: unknown, now: number = Date.now()): number | undefined {
  const candidates: Array<() => unknown> = [
    () => readProp(error, 'retryAfter'),
    () => headerValue(readProp(error, 'headers')),
    () => headerValue(readProp(readProp(error, 'response'), 'headers')),
    () => readProp(httpExceptionBody(error), 'retryAfter'),
  ];
  for (const candidate of candidates) {
    const seconds = parseRetryAfter(candidate(), now);
    if (seconds !== undefined) return seconds;
  }
  return undefined;
}

/**
 * A Retry-After value as seconds from `now`: a number of seconds, a numeric string, or an
 * HTTP date. Clamped to 0..3600; undefined when unparseable.
 */
export function parseRetryAfter(raw: unknown, now: number = Date.now()): number | undefined {
  const value = isArray(raw) ? readProp(raw, '0') : raw;
  let seconds: number | undefined;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string' && value.length <= 100) {
    const text = value.trim();
    if (/^\d+(?:\.\d+)?$/.test(text)) seconds = Number(text);
    else if (text !== '') seconds = (Date.parse(text) - now) / 1000;
  }
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}

function headerValue(headers: unknown): unknown {
  if (!isObjectLike(headers)) return undefined;
  const viaGet = callGet(headers);
  if (viaGet !== undefined && viaGet !== null) return viaGet;
  return readProp(headers, 'retry-after') ?? readProp(headers, 'Retry-After');
}

/** `headers.get('retry-after')` for Fetch `Headers`, AxiosHeaders and Maps. */
function callGet(headers: object): unknown {
  const get = readProp(headers, 'get');
  if (typeof get !== 'function') return undefined;
  try {
    return (get as (name: string) => unknown).call(headers, 'retry-after');
  } catch {
    return undefined;
  }
}
