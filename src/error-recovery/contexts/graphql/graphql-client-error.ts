import type { CapturedError } from '../../capture/captured-errors.js';

/** `extensions.code` of a captured error, by the status its classification gives it. */
const CODES: Readonly<Record<number, string>> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'BAD_USER_INPUT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The GraphQL error code of an HTTP-like status (the codes Apollo and most clients know). */
export function graphqlCode(httpStatus: number): string {
  return CODES[httpStatus] ?? (httpStatus >= 400 && httpStatus < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
}

/** `extensions` of the error a client gets for a captured error. */
export interface GraphqlErrorExtensions {
  code: string;
  error_id: string;
}

/**
 * The error a client gets for a captured error: graphql-js makes it a spec-compliant entry of
 * `errors[]` (message, locations, path) and copies its `extensions`. The message is the catalogue's
 * user-safe one (the error's own, scrubbed, only with `exposeDetails` in development). Its stack is
 * that one line: servers that send stacks outside production (Apollo's `extensions.stacktrace`)
 * send no frame and no internal message.
 */
export function graphqlClientError(captured: CapturedError, exposeDetails: boolean): Error & { extensions: GraphqlErrorExtensions } {
  const { classification } = captured;
  const message = exposeDetails ? classification.message : classification.userMessage;
  const error = new Error(message) as Error & { extensions: GraphqlErrorExtensions };
  error.extensions = { code: graphqlCode(classification.httpStatus), error_id: captured.id };
  Object.defineProperty(error, 'stack', { value: `Error: ${message}`, configurable: true, writable: true });
  return error;
}
