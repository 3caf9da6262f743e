import { callMethod, isArray, isObjectLike, readNumber, readProp, readString } from '../common/safe-read.js';

/**
 * Recognises errors that carry an HTTP status, by duck typing so nothing from Nest or an HTTP
 * client is imported: "incoming" errors state the status our app answers with (Nest
 * HttpException, http-errors from body-parser), "outbound" errors report what an upstream
 * service answered (axios, got, fetch wrappers).
 */

/** Largest client message passed through to the response. */
const CLIENT_MESSAGE_MAX = 500;

function isStatus(value: number | undefined, min = 100): value is number {
  return value !== undefined && Number.isInteger(value) && value >= min && value <= 599;
}

/** A Nest HttpException: has `getStatus()` and `getResponse()`. */
export function isHttpException(error: unknown): boolean {
  return typeof readProp(error, 'getStatus') === 'function' && typeof readProp(error, 'getResponse') === 'function';
}

/** An http-errors error: boolean `expose` and a numeric `statusCode` equal to `status`. */
export function isHttpErrorsError(error: unknown): boolean {
  const statusCode = readNumber(error, 'statusCode');
  return typeof readProp(error, 'expose') === 'boolean' && statusCode !== undefined && readProp(error, 'status') === statusCode;
}

/** The status an incoming-request error asks us to answer with, when it is one. */
export function incomingStatus(error: unknown): number | undefined {
  if (isHttpException(error)) {
    const status = callMethod(error, 'getStatus');
    return typeof status === 'number' && isStatus(status) ? status : undefined;
  }
  if (isHttpErrorsError(error)) {
    const status = readNumber(error, 'statusCode');
    return isStatus(status) ? status : undefined;
  }
  return undefined;
}

/** The 4xx/5xx an upstream answered with: `status`/`statusCode`, or the same on `response`. */
export function outboundStatus(error: unknown): number | undefined {
  const response = readProp(error, 'response');
  const candidates = [
    readNumber(error, 'status'),
    readNumber(error, 'statusCode'),
    readNumber(response, 'status'),
    readNumber(response, 'statusCode'),
  ];
  return candidates.find((status) => isStatus(status, 400));
}

/** True for an axios error, whatever its status. */
export function isAxiosError(error: unknown): boolean {
  return readProp(error, 'isAxiosError') === true;
}

/**
 * The message an incoming 4xx error chose for the client: an HttpException's string response,
 * or its `response.message` (a string, or ValidationPipe's array joined with '; '); an exposed
 * http-errors error's message. Capped at 500 characters; undefined when there is none.
 */
export function clientMessage(error: unknown): string | undefined {
  let text: string | undefined;
  if (isHttpException(error)) {
    const response = callMethod(error, 'getResponse');
    const message = typeof response === 'string' ? response : readProp(response, 'message');
    if (typeof message === 'string') text = message;
    else if (isArray(message)) text = joinStrings(message);
  } else if (readProp(error, 'expose') === true) {
    text = readString(error, 'message');
  }
  const capped = text?.slice(0, CLIENT_MESSAGE_MAX);
  return capped === undefined || capped.trim() === '' ? undefined : capped;
}

function joinStrings(items: readonly unknown[]): string | undefined {
  const strings = items.slice(0, 100).filter((item): item is string => typeof item === 'string');
  return strings.length > 0 ? strings.join('; ') : undefined;
}

/** The HttpException response body, when it is an object (it may carry `retryAfter`). */
export function httpExceptionBody(error: unknown): object | undefined {
  if (!isHttpException(error)) return undefined;
  const response = callMethod(error, 'getResponse');
  return isObjectLike(response) ? response : undefined;
}
