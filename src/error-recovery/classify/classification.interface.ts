/** How bad an error is; drives alerting and, through the base table, the HTTP status. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Ordered from most to least severe; index arithmetic is used to lower severity. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Broad family of an error, stored next to the precise `errorType`. */
export type ErrorCategory =
  | 'database'
  | 'timeout'
  | 'network'
  | 'memory'
  | 'validation'
  | 'auth'
  | 'upstream'
  | 'runtime'
  | 'system'
  | 'io'
  | 'assertion'
  | 'http'
  | 'unknown';

/** The result of classifying one error. Pure data, safe to store and to log. */
export interface Classification {
  /** Precise type used by the recovery map, e.g. `DatabaseError`, `TimeoutError`, `TypeError`. */
  errorType: string;
  category: ErrorCategory;
  /** Severity after the environment adjustment (what is stored and alerted on). */
  severity: Severity;
  /** Status the client is answered with when recovery does not resolve the request. */
  httpStatus: number;
  /** True when trying the same thing again may succeed (timeouts, resets, 503, deadlocks). */
  transient: boolean;
  /**
   * Seconds to wait before trying again, as stated by the error itself (a Retry-After header of an
   * upstream, `retryAfter` of an exception). Undefined when the error states none.
   */
  retryAfterSeconds?: number;
  /** Stable hash grouping occurrences of the same bug. */
  fingerprint: string;
  /** Message safe to show to any client: no internals, no SQL, no paths. */
  userMessage: string;
  /** The error's own message, scrubbed of secrets and capped. Never sent to clients. */
  message: string;
  /** The stack, scrubbed and capped; undefined when the thrown value had none. */
  stack?: string;
}

/** Inputs that change how errors are classified. */
export interface ClassifierOptions {
  /** `development` lowers severity one level; every other environment keeps the table. */
  environment: string;
  /** Per-errorType severity overrides, applied before the environment adjustment. */
  severityOverrides?: Readonly<Record<string, Severity>>;
  /** Max length of the stored message in characters. Default 2000. */
  maxMessageLength?: number;
  /** Max length of the stored stack in characters. Default 8000. */
  maxStackLength?: number;
  /** Absolute path of the app root, stripped from stack frames for the fingerprint. Default process.cwd(). */
  appRoot?: string;
}
