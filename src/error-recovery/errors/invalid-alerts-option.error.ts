/**
 * An alert option cannot be used (e.g. `maxAttempts: 0.5`). Thrown at start-up, where a
 * programming mistake should be loud; a bad environment variable only warns. Says which option and
 * what it must be.
 */
export class InvalidAlertsOptionError extends Error {
  override readonly name = 'InvalidAlertsOptionError';
}

export const isInvalidAlertsOptionError = (e: unknown): e is InvalidAlertsOptionError => e instanceof InvalidAlertsOptionError;
