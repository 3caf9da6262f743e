import { callMethod, hasClassNamed } from '../../common/safe-read.js';

/** The message Nest's BaseRpcExceptionFilter sends for an error that is not an RpcException. */
const UNKNOWN_EXCEPTION_MESSAGE = 'Internal server error';

/**
 * An RpcException or a subclass, recognised by its prototype chain's class names: the module does
 * not import @nestjs/microservices (an optional peer). Never throws.
 */
export function isRpcException(value: unknown): boolean {
  return hasClassNamed(value, 'RpcException');
}

/**
 * The error a caller of a `@MessagePattern()` receives, as Nest's BaseRpcExceptionFilter (12.x)
 * builds it: an RpcException's error as is when it is an object, else `{ status: 'error', message }`;
 * any other error `{ status: 'error', message: 'Internal server error' }` — no internals. With
 * `errorId` (the error was stored), that generic answer also carries `error_id`, so the caller can
 * quote it; an RpcException's error is the app's own contract and is left untouched.
 */
export function rpcErrorAnswer(exception: unknown, errorId?: string): unknown {
  if (!isRpcException(exception)) {
    return errorId === undefined ? { status: 'error', message: UNKNOWN_EXCEPTION_MESSAGE } : { status: 'error', message: UNKNOWN_EXCEPTION_MESSAGE, error_id: errorId };
  }
  const error = callMethod(exception, 'getError');
  return typeof error === 'object' && error !== null ? error : { status: 'error', message: error };
}
