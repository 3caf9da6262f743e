import {
  CONNECTION_CODES, DB_CONNECTION_MESSAGES, errorTypeForIncomingStatus, IO_CODES, MEMORY_MESSAGE,
  NATIVE_ERROR_NAMES, SAFE_NAME, SQLSTATE, SYSTEM_CODES, TIMEOUT_CODES,
} from './error-tables.js';
import { incomingStatus, isAxiosError, outboundStatus } from './http-like.js';
import { causeChain, constructorName, isArray, isErrorValue, isObjectLike, readProp, readString } from '../common/safe-read.js';

/** What recognising a thrown value found out. */
export interface Detection {
  errorType: string;
  /** Status the app itself chose (HttpException, http-errors); answered as-is. */
  ownStatus?: number;
  /** Status an upstream service answered with (outbound HTTP client errors). */
  upstreamStatus?: number;
}

/** Characters of a message searched by patterns; bounds the cost of huge messages. */
const MESSAGE_SCAN = 2000;

/**
 * Recognises the errorType of any thrown value, most specific rule first: errors carrying our
 * own HTTP status, database, timeout, connection, memory, validation, upstream HTTP,
 * assertion, system and I/O errors, then built-in and custom Error names, and finally
 * 'UnknownError' for values that are not errors. Never throws on hostile values.
 */
export function detectErrorType(value: unknown): Detection {
  if (!isObjectLike(value)) return { errorType: 'UnknownError' };
  const own = incomingStatus(value);
  // The app chose this status deliberately: its cause chain does not change what it means.
  if (own !== undefined) return { errorType: errorTypeForIncomingStatus(own), ownStatus: own };
  const facts = factsOf(value);
  const errorType =
    databaseType(value, facts) ??
    timeoutType(value, facts) ??
    (facts.chainCodes.some((code) => CONNECTION_CODES.has(code)) ? 'ConnectionError' : undefined) ??
    (MEMORY_MESSAGE.test(facts.message) || facts.code === 'ERR_OUT_OF_MEMORY' ? 'MemoryError' : undefined) ??
    (isValidationError(value, facts) ? 'ValidationError' : undefined);
  if (errorType !== undefined) return { errorType };
  const upstream = outboundStatus(value);
  if (upstream !== undefined || isAxiosError(value)) {
    const type = upstream === 503 ? 'ServiceUnavailableError' : 'APIError';
    return upstream === undefined ? { errorType: type } : { errorType: type, upstreamStatus: upstream };
  }
  return { errorType: systemType(value, facts) ?? nameType(value, facts) };
}

interface Facts {
  name: string | undefined;
  ctor: string | undefined;
  code: string | undefined;
  /** Codes of the value and of up to two nested causes. */
  chainCodes: string[];
  /** The first {@link MESSAGE_SCAN} characters of the message. */
  message: string;
}

function factsOf(value: object): Facts {
  const chainCodes: string[] = [];
  for (const link of causeChain(value)) {
    const code = readString(link, 'code');
    if (code !== undefined) chainCodes.push(code);
  }
  return {
    name: readString(value, 'name'),
    ctor: constructorName(value),
    code: readString(value, 'code'),
    chainCodes,
    message: messageHead(value),
  };
}

function messageHead(value: unknown): string {
  const message = readString(value, 'message') ?? '';
  return message.length > MESSAGE_SCAN ? message.slice(0, MESSAGE_SCAN) : message;
}

function isNamed(facts: Facts, name: string): boolean {
  return facts.name === name || facts.ctor === name;
}

/** SQLSTATE of a pg error, directly or on TypeORM's `driverError`. */
export function sqlState(value: unknown): string | undefined {
  for (const source of [value, readProp(value, 'driverError')]) {
    const code = readString(source, 'code');
    if (code !== undefined && SQLSTATE.test(code)) return code;
  }
  return undefined;
}

function databaseType(value: object, facts: Facts): string | undefined {
  if (isNamed(facts, 'EntityNotFoundError')) return 'LookupError';
  // pg's DatabaseError has `name` 'error': its constructor carries the class name.
  if (isNamed(facts, 'QueryFailedError') || isNamed(facts, 'DatabaseError')) return 'DatabaseError';
  const pgShaped =
    facts.code !== undefined &&
    SQLSTATE.test(facts.code) &&
    (typeof readProp(value, 'severity') === 'string' || typeof readProp(value, 'routine') === 'string');
  if (pgShaped) return 'DatabaseError';
  return DB_CONNECTION_MESSAGES.some((pattern) => pattern.test(facts.message)) ? 'DatabaseError' : undefined;
}

function timeoutType(value: object, facts: Facts): string | undefined {
  if (facts.name === 'TimeoutError') return 'TimeoutError';
  if (facts.chainCodes.some((code) => TIMEOUT_CODES.has(code))) return 'TimeoutError';
  // axios reports its own timeout as ECONNABORTED "timeout of 1000ms exceeded".
  if (facts.code === 'ECONNABORTED' && /timeout/i.test(facts.message)) return 'TimeoutError';
  if (facts.name === 'AbortError') {
    const cause = readProp(value, 'cause');
    const mentions = /time(?:d)? ?out/i;
    if (mentions.test(facts.message) || readString(cause, 'name') === 'TimeoutError' || mentions.test(messageHead(cause))) {
      return 'TimeoutError';
    }
  }
  return undefined;
}

/** A class-validator ValidationError: `property` plus `constraints` or `children`. */
function isClassValidatorError(value: unknown): boolean {
  if (!isObjectLike(value)) return false;
  if (constructorName(value) === 'ValidationError') return true;
  const constraints = readProp(value, 'constraints');
  return typeof readProp(value, 'property') === 'string' && (isObjectLike(constraints) || isArray(readProp(value, 'children')));
}

function isValidationError(value: object, facts: Facts): boolean {
  if (facts.name === 'ValidationError' || isClassValidatorError(value)) return true;
  if (!isArray(value)) return false;
  try {
    return value.length > 0 && value.slice(0, 20).every(isClassValidatorError);
  } catch {
    return false;
  }
}

function systemType(value: object, facts: Facts): string | undefined {
  if (facts.name === 'AssertionError' || facts.code === 'ERR_ASSERTION') return 'AssertionError';
  if (facts.code !== undefined && IO_CODES.has(facts.code)) return 'IOError';
  if (facts.code !== undefined && SYSTEM_CODES.has(facts.code)) return 'SystemError';
  const syscall = readProp(value, 'syscall');
  const errno = readProp(value, 'errno');
  return typeof syscall === 'string' && (typeof errno === 'number' || typeof errno === 'string') ? 'SystemError' : undefined;
}

function nameType(value: object, facts: Facts): string {
  if (!isErrorValue(value)) return 'UnknownError';
  const name = facts.name;
  if (name === undefined) return 'Error';
  if (NATIVE_ERROR_NAMES.has(name)) return name;
  return SAFE_NAME.test(name) ? name : 'Error';
}
