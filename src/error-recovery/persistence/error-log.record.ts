import type { Severity, ErrorCategory } from '../classify/classification.interface.js';
import type { JsonValue } from '../common/safe-serialize.js';
import type { RecoveryTrigger } from '../plan/recovery-trigger.js';
import type { ContextType } from '../common/context-type.js';

/** Who started a recovery action (declared in plan/, which strategies/ may import). */
export type { RecoveryTrigger };

/** One row of `error_logs`, as the library passes it around. */
export interface ErrorLogRecord {
  id: string;
  occurredAt: Date;
  service: string;
  environment: string;
  errorType: string;
  category: ErrorCategory;
  severity: Severity;
  httpStatus: number;
  transient: boolean;
  message: string;
  stack: string | null;
  fingerprint: string;
  /** Where the error happened: an HTTP request, a GraphQL resolver, a message handler, a job… */
  contextType: ContextType;
  /** What identifies the work outside HTTP: `Query.order`, a message pattern, a job or queue name. */
  operation: string | null;
  method: string | null;
  /** Route pattern, e.g. `/orders/:id`. */
  route: string | null;
  path: string | null;
  requestId: string | null;
  /** HTTP: params, query, selected headers, body, user id; elsewhere that context's own (variables, payload, job data) — scrubbed. */
  context: { [key: string]: JsonValue };
  resolved: boolean;
  resolvedAt: Date | null;
  recoveryAttempted: boolean;
  /** null when no recovery was attempted. */
  recoverySuccess: boolean | null;
  recoveryStrategy: string | null;
}

/** One row of `recovery_actions`: what one strategy (or one retry attempt) really did. */
export interface RecoveryActionRecord {
  id: string;
  errorLogId: string;
  position: number;
  strategy: string;
  trigger: RecoveryTrigger;
  success: boolean;
  skipped: boolean;
  message: string;
  details: JsonValue | null;
  durationMs: number;
  startedAt: Date;
}

/** A captured error with its recovery actions, waiting to be written. */
export interface PendingErrorLog {
  log: ErrorLogRecord;
  actions: RecoveryActionRecord[];
}
