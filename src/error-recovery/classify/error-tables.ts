import type { ErrorCategory, Severity } from './classification.interface.js';

/**
 * `table[key]` for own keys only: errorTypes come from error names, and a custom error named
 * `constructor` or `toString` must not pick up Object.prototype members.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Base severity per errorType, before overrides and the environment adjustment. */
export const SEVERITY_TABLE: Readonly<Record<string, Severity>> = {
  DatabaseError: 'critical',
  MemoryError: 'critical',
  SystemError: 'critical',
  AssertionError: 'critical',
  TimeoutError: 'high',
  ConnectionError: 'high',
  IOError: 'high',
  ServiceUnavailableError: 'high',
  ValidationError: 'medium',
  TypeError: 'medium',
  RangeError: 'medium',
  ReferenceError: 'medium',
  LookupError: 'medium',
  SyntaxError: 'medium',
  EvalError: 'medium',
  URIError: 'medium',
};

/** Severity of any errorType missing from {@link SEVERITY_TABLE}. */
export const DEFAULT_SEVERITY: Severity = 'low';

/** Category per errorType. */
export const CATEGORY_TABLE: Readonly<Record<string, ErrorCategory>> = {
  DatabaseError: 'database',
  LookupError: 'database',
  TimeoutError: 'timeout',
  ConnectionError: 'network',
  MemoryError: 'memory',
  ValidationError: 'validation',
  AuthenticationError: 'auth',
  RateLimitError: 'http',
  APIError: 'upstream',
  ServiceUnavailableError: 'upstream',
  AssertionError: 'assertion',
  SystemError: 'system',
  IOError: 'io',
  TypeError: 'runtime',
  RangeError: 'runtime',
  ReferenceError: 'runtime',
  SyntaxError: 'runtime',
  EvalError: 'runtime',
  URIError: 'runtime',
  Error: 'runtime',
  HttpError: 'http',
  NotFoundError: 'http',
  UnknownError: 'unknown',
};

/** Category of an errorType missing from {@link CATEGORY_TABLE}: a custom Error subclass is code. */
export const DEFAULT_CATEGORY: ErrorCategory = 'runtime';

/** Client status fixed by errorType; wins over {@link STATUS_BY_SEVERITY}. */
export const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  ValidationError: 400,
  APIError: 502,
  ServiceUnavailableError: 503,
};

/** Client status by base severity when neither the error nor its type fixes one. */
export const STATUS_BY_SEVERITY: Readonly<Record<Severity, number>> = {
  critical: 500,
  high: 503,
  medium: 500,
  low: 500,
};

/** Retry-After sent to clients with a 503/429 answer when the error itself states none. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** Retry-After values are clamped to 0..this. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/** errorType of an error that carries the status our app answers with (HttpException, http-errors). */
export function errorTypeForIncomingStatus(status: number): string {
  switch (status) {
    case 400:
      return 'ValidationError';
    case 401:
    case 403:
      return 'AuthenticationError';
    case 404:
      return 'NotFoundError';
    case 408:
    case 504:
      return 'TimeoutError';
    case 429:
      return 'RateLimitError';
    case 502:
      return 'APIError';
    case 503:
      return 'ServiceUnavailableError';
    default:
      return 'HttpError';
  }
}

/** errorTypes for which trying again may succeed (unless the message speaks of a quota). */
export const TRANSIENT_TYPES: ReadonlySet<string> = new Set([
  'TimeoutError', 'ConnectionError', 'ServiceUnavailableError', 'RateLimitError',
]);
/** HTTP statuses that mean "try again later". */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);
/** PostgreSQL SQLSTATEs of serialization failures, deadlocks, shutdowns and lost connections. */
export const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', '40P01', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300',
]);
/** A quota will not refill by retrying, even behind a 429. */
export const QUOTA_MESSAGE = /quota/i;

/** pg pool / client messages of an unreachable or exhausted database. */
export const DB_CONNECTION_MESSAGES: readonly RegExp[] = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/,
  /too many clients/i,
];
/** Shape of a PostgreSQL SQLSTATE. */
export const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Codes of timed-out sockets and requests (Node, request, undici), on the error or its causes. */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
]);
/** Codes of refused, reset or unresolvable connections, on the error or up to two causes deep. */
export const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET',
]);
/** File-system failures. */
export const IO_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EIO', 'EROFS', 'EBUSY']);
/** Resource exhaustion and permission failures of the process itself. */
export const SYSTEM_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'EACCES', 'EPERM']);

/** Messages of exhausted heap or allocation limits; checked before a RangeError keeps its name. */
export const MEMORY_MESSAGE =
  /heap out of memory|JavaScript heap|Array buffer allocation failed|Invalid array length|Cannot create a string longer|Invalid string length/i;

/** Built-in error names kept as errorType. */
export const NATIVE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError',
]);
/** A custom error name is used as errorType only when it looks like an identifier. */
export const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
