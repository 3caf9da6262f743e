import { lookup } from './error-tables.js';

/**
 * Messages safe to show any client, by errorType. They name no table, query, path, host or
 * library: the client learns what kind of failure happened and whether to retry, nothing more.
 */
export const USER_MESSAGES: Readonly<Record<string, string>> = {
  DatabaseError: 'A temporary data storage problem occurred. Please try again shortly.',
  LookupError: 'The requested data could not be found. Please try again later.',
  TimeoutError: 'The request took too long to complete. Please try again shortly.',
  ConnectionError: 'A required service could not be reached. Please try again shortly.',
  MemoryError: 'The server is temporarily overloaded. Please try again later.',
  ValidationError: 'The request contains invalid data. Please check it and try again.',
  AuthenticationError: 'You are not authorised to perform this action.',
  RateLimitError: 'Too many requests. Please wait a moment and try again.',
  APIError: 'A service we depend on returned an error. Please try again later.',
  ServiceUnavailableError: 'The service is temporarily unavailable. Please try again shortly.',
  NotFoundError: 'The requested resource was not found.',
  HttpError: 'The request could not be processed.',
  IOError: 'A temporary storage problem occurred. Please try again later.',
  SystemError: 'The server encountered a temporary problem. Please try again later.',
};

/** Message for any errorType missing from {@link USER_MESSAGES}. */
export const DEFAULT_USER_MESSAGE = 'An unexpected error occurred. Please try again later.';

/** The catalogue message for `errorType`, or {@link DEFAULT_USER_MESSAGE}. */
export function userMessageFor(errorType: string): string {
  return lookup(USER_MESSAGES, errorType) ?? DEFAULT_USER_MESSAGE;
}
