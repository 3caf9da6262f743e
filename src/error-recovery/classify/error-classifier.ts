import { fingerprint } from './fingerprint.js';
import { scrubString } from '../common/scrub.js';
import type { Classification, ClassifierOptions } from './classification.interface.js';
import {
  CATEGORY_TABLE, DEFAULT_CATEGORY, lookup, STATUS_BY_SEVERITY, STATUS_BY_TYPE,
} from './error-tables.js';
import { messageOf, stackOf } from '../common/error-text.js';
import { type Detection, detectErrorType } from './error-type.js';
import { clientMessage } from './http-like.js';
import { retryAfterSeconds } from './retry-after.js';
import { adjustSeverity, baseSeverity } from './severity.js';
import { isTransient } from './transient.js';
import { DEFAULT_USER_MESSAGE, userMessageFor } from './user-messages.js';

export { adjustSeverity, lowerSeverity } from './severity.js';

const DEFAULT_MAX_MESSAGE = 2000;
const DEFAULT_MAX_STACK = 8000;

/**
 * Classifies any thrown value: errorType, category, severity (table, then overrides, then the
 * environment adjustment), the HTTP status to answer with (computed before the environment
 * adjustment, so development does not change what clients get), whether a retry may succeed,
 * Retry-After, a fingerprint grouping occurrences of the same bug, a client-safe message, and
 * the scrubbed, capped message and stack. Pure, and never throws: if classification itself
 * fails the result is a low-severity, permanent 'UnknownError' answered with 500.
 */
export function classifyError(error: unknown, options: ClassifierOptions): Classification {
  try {
    return classify(error, options);
  } catch {
    return fallbackClassification();
  }
}

/** The fields of a classification that the answer and the plan need, and the raw message. */
export interface AnswerFacts {
  answer: Omit<Classification, 'fingerprint' | 'message' | 'stack'>;
  /** The error's message, capped, not yet scrubbed. */
  rawMessage: string;
}

/**
 * Everything but the scrubbed message and stack and the fingerprint: the cheap part, which the
 * answer and the recovery plan depend on. May throw on a hostile value (callers fall back).
 */
export function answerFacts(error: unknown, options: ClassifierOptions): AnswerFacts {
  const detection = detectErrorType(error);
  const { errorType } = detection;
  const rawMessage = messageOf(error, options.maxMessageLength ?? DEFAULT_MAX_MESSAGE);
  const base = baseSeverity(errorType, options.severityOverrides);
  const httpStatus = detection.ownStatus ?? lookup(STATUS_BY_TYPE, errorType) ?? STATUS_BY_SEVERITY[base];
  // Only what the error itself states: the retry strategy waits for it, so a default for clients
  // (see DEFAULT_RETRY_AFTER_SECONDS) must not be mistaken for it.
  const retryAfter = retryAfterSeconds(error);
  const answer: AnswerFacts['answer'] = {
    errorType,
    category: lookup(CATEGORY_TABLE, errorType) ?? DEFAULT_CATEGORY,
    severity: adjustSeverity(base, options.environment),
    httpStatus,
    transient: isTransient(error, detection, rawMessage),
    userMessage: userMessageOf(error, detection, httpStatus),
  };
  if (retryAfter !== undefined) answer.retryAfterSeconds = retryAfter;
  return { answer, rawMessage };
}

/** The stack of a thrown value, capped as {@link ClassifierOptions.maxStackLength} says; not yet scrubbed. */
export function rawStackOf(error: unknown, options: ClassifierOptions): string | undefined {
  return stackOf(error, options.maxStackLength ?? DEFAULT_MAX_STACK);
}

function classify(error: unknown, options: ClassifierOptions): Classification {
  const { answer, rawMessage } = answerFacts(error, options);
  const { retryAfterSeconds: retryAfter, ...rest } = answer;
  const message = scrubString(rawMessage);
  const rawStack = rawStackOf(error, options);
  const stack = rawStack === undefined ? undefined : scrubString(rawStack);
  const classification: Classification = {
    ...rest,
    fingerprint: fingerprint(answer.errorType, message, stack, options.appRoot ?? currentDirectory()),
    message,
  };
  if (retryAfter !== undefined) classification.retryAfterSeconds = retryAfter;
  if (stack !== undefined) classification.stack = stack;
  return classification;
}

/** A 4xx the app raised itself speaks to the client in its own words; anything else does not. */
function userMessageOf(error: unknown, detection: Detection, httpStatus: number): string {
  const own = detection.ownStatus !== undefined && httpStatus >= 400 && httpStatus < 500 ? clientMessage(error) : undefined;
  return own ?? userMessageFor(detection.errorType);
}

/** The working directory, or '' when it was deleted. */
export function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    // The working directory was deleted: frames then keep their absolute paths.
    return '';
  }
}

/** What a value that cannot be classified is classified as. */
export function fallbackClassification(): Classification {
  let print = '0'.repeat(32);
  try {
    print = fingerprint('UnknownError', '', undefined, '');
  } catch {
    // Keep the constant: a fingerprint is still required.
  }
  return {
    errorType: 'UnknownError',
    category: 'unknown',
    severity: 'low',
    httpStatus: 500,
    transient: false,
    fingerprint: print,
    userMessage: DEFAULT_USER_MESSAGE,
    message: 'The error could not be classified.',
  };
}
