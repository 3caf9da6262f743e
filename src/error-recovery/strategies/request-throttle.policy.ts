import type { Classification } from '../classify/classification.interface.js';
import { detectErrorType } from '../classify/error-type.js';
import { readString } from '../common/safe-read.js';

/** What {@link decideThrottle} looks at: facts of one error, read once from it. */
export interface ThrottleFacts {
  errorType: string;
  /** Status the client is answered with. */
  httpStatus: number;
  /** Status the app raised itself (HttpException, http-errors), when it did. */
  ownStatus?: number;
  /** Status a downstream service answered with (outbound HTTP client errors), when known. */
  upstreamStatus?: number;
  /** The error's message (first part is enough). */
  message: string;
  /** The error's `code`, when it has a string one (SQLSTATE, errno name). */
  code?: string;
}

/** What request_throttle does for one error. */
export type ThrottleDecision =
  | { throttle: true; scope: 'route' | 'client'; signal: string }
  | { throttle: false; reason: string };

/** pg-pool's message when no connection could be had within `connectionTimeoutMillis`. */
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;
/** The database server's own connection limit (SQLSTATE 53300). */
const SERVER_FULL = /too many clients/i;

/**
 * Whether the error says the route is overloaded, and by what. Overload signals: a downstream
 * service answering 429 or 503; the app's database pool exhausted (no connection in time) or the
 * server out of connections; a route's bulkhead full; a 503 the app raises itself — what
 * load-shedding checks such as an event-loop-delay guard answer with.
 */
export function overloadSignal(facts: ThrottleFacts): string | undefined {
  if (facts.upstreamStatus === 429 || facts.upstreamStatus === 503) return `downstream answered ${facts.upstreamStatus}`;
  if (facts.errorType === 'BulkheadRejectedError') return 'bulkhead full';
  if (facts.errorType === 'DatabaseError' && POOL_TIMEOUT.test(facts.message)) return 'database pool exhausted';
  if (facts.code === '53300' || (facts.errorType === 'DatabaseError' && SERVER_FULL.test(facts.message))) return 'database out of connections';
  if (facts.ownStatus === 503) return 'the app answered 503 (load shedding)';
  return undefined;
}

/**
 * Whether request_throttle may limit requests for this error, and whom. Pure.
 * - an overload signal (see {@link overloadSignal}): the configured scope (route by default);
 * - a client's own mistake (the app answers it with a 4xx: bad input, bad credentials, its own
 *   429): that client only — one caller must never be able to throttle a route for everyone;
 * - anything else — a bug (TypeError…), a 5xx of the app's own code, a failing dependency that did
 *   not say it is overloaded: no throttle. Refusing good requests cannot fix it.
 */
export function decideThrottle(facts: ThrottleFacts, configuredScope: 'route' | 'client'): ThrottleDecision {
  const overload = overloadSignal(facts);
  if (overload) return { throttle: true, scope: configuredScope, signal: overload };
  if (facts.httpStatus >= 400 && facts.httpStatus < 500) {
    return { throttle: true, scope: 'client', signal: `client error ${facts.httpStatus}` };
  }
  const what = facts.httpStatus >= 500 ? `${facts.errorType} answered ${facts.httpStatus}` : facts.errorType;
  return { throttle: false, reason: `not an overload signal (${what}): throttling would refuse good requests without fixing it` };
}

/** Reads {@link ThrottleFacts} from a thrown value and its classification. Never throws. */
export function throttleFacts(error: unknown, classification: Pick<Classification, 'errorType' | 'httpStatus' | 'message'>): ThrottleFacts {
  const facts: ThrottleFacts = { errorType: classification.errorType, httpStatus: classification.httpStatus, message: classification.message };
  try {
    const detection = detectErrorType(error);
    if (detection.ownStatus !== undefined) facts.ownStatus = detection.ownStatus;
    if (detection.upstreamStatus !== undefined) facts.upstreamStatus = detection.upstreamStatus;
    const code = readString(error, 'code');
    if (code !== undefined) facts.code = code;
    if (readString(error, 'name') === 'BulkheadRejectedError') facts.errorType = 'BulkheadRejectedError';
  } catch {
    // A hostile value: decide on the classification alone.
  }
  return facts;
}
