import { callMethod, hasClassNamed, readProp } from '../../common/safe-read.js';

/** The message Nest's BaseWsExceptionFilter sends for an error that is not a WsException. */
const UNKNOWN_EXCEPTION_MESSAGE = 'Internal server error';

/** What Nest's BaseWsExceptionFilter adds to a string answer by default (`includeCause`, `causeFactory`). */
export interface WsCause {
  pattern: string;
  data: unknown;
}

/**
 * A WsException or a subclass, recognised by its prototype chain's class names: this module must
 * not import @nestjs/websockets (an optional peer an HTTP-only app does not have). Never throws.
 */
export function isWsException(value: unknown): boolean {
  return hasClassNamed(value, 'WsException');
}

/**
 * The `exception` event's payload, as Nest's BaseWsExceptionFilter (12.x) builds it with its default
 * options: a WsException's error as is when it is an object, else `{ status: 'error', message,
 * cause: { pattern, data } }`; any other error `{ status: 'error', message: 'Internal server error',
 * cause }` — no internals. Reads the exception only through safe reads.
 */
export function wsExceptionPayload(exception: unknown, cause: WsCause): unknown {
  if (!isWsException(exception)) return { status: 'error', message: UNKNOWN_EXCEPTION_MESSAGE, cause };
  const error = callMethod(exception, 'getError');
  if (typeof error === 'object' && error !== null) return error;
  return { status: 'error', message: error, cause };
}

/**
 * Sends the `exception` event to a WebSocket client, as Nest does: a native WebSocket (`ws`: numeric
 * `readyState` and `send`) gets the JSON `{ event: 'exception', data }`; a Socket.IO-style client
 * gets `emit('exception', data)`.
 */
export function emitWsException(client: unknown, payload: unknown): void {
  const send = readProp(client, 'send');
  if (typeof readProp(client, 'readyState') === 'number' && typeof send === 'function') {
    (send as (message: string) => void).call(client, JSON.stringify({ event: 'exception', data: payload }));
    return;
  }
  const emit = readProp(client, 'emit');
  if (typeof emit === 'function') (emit as (event: string, data: unknown) => void).call(client, 'exception', payload);
}
