import type { Classification } from '../classify/classification.interface.js';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord } from './error-log.record.js';
import { toActionRecords } from './recovery-action.records.js';

/** What the request path knows of a captured error when it queues it. */
export interface ErrorLogDraftInput {
  id: string;
  occurredAt: Date;
  service: string;
  environment: string;
  /** Its scrubbed message and stack and its fingerprint may be computed on first read. */
  classification: Classification;
  /** What the row keeps of the request (a `RequestSnapshot` fits). */
  request: Pick<ErrorLogRecord, 'contextType' | 'operation' | 'method' | 'route' | 'path' | 'requestId' | 'context'>;
  report: RecoveryReport;
  /** When recovery served the request; null otherwise. */
  resolvedAt: Date | null;
}

/**
 * The queued entry of a captured error. The fields the answer needed are plain values; the scrubbed
 * message and stack, the fingerprint and the action rows are read through to the classification
 * and the report, so they are computed once, when first read: by {@link completeRecord} in the
 * writer's batch, or earlier by a listener that needs them (alerts read the fingerprint).
 */
export function draftErrorLog(input: ErrorLogDraftInput): PendingErrorLog {
  const { classification: c, request, report } = input;
  const log: ErrorLogRecord = {
    id: input.id,
    occurredAt: input.occurredAt,
    service: input.service,
    environment: input.environment,
    errorType: c.errorType,
    category: c.category,
    severity: c.severity,
    httpStatus: c.httpStatus,
    transient: c.transient,
    get message(): string {
      return c.message;
    },
    get stack(): string | null {
      return c.stack ?? null;
    },
    get fingerprint(): string {
      return c.fingerprint;
    },
    contextType: request.contextType,
    operation: request.operation,
    method: request.method,
    route: request.route,
    path: request.path,
    requestId: request.requestId,
    context: request.context,
    resolved: report.success,
    resolvedAt: input.resolvedAt,
    recoveryAttempted: report.attempted,
    recoverySuccess: report.attempted ? report.success : null,
    recoveryStrategy: report.resolvedBy,
  };
  // Only the steps are kept for later, not the report (its result may be a whole response body).
  const { id } = input;
  const executed = report.actions;
  let actions: RecoveryActionRecord[] | undefined;
  return {
    log,
    get actions(): RecoveryActionRecord[] {
      return (actions ??= toActionRecords(id, executed, 'automatic'));
    },
    set actions(value: RecoveryActionRecord[]) {
      actions = value;
    },
  };
}

/**
 * Makes a queued entry plain data, in place (the writer's queue keeps the same object): every field
 * computed on first read is read now, once. Called by the writer on its batch, right before the
 * insert, so scrubbing, stack formatting, fingerprinting and the action rows stay off the request
 * path — and are done before anything is stored. Idempotent; an entry that is plain already is
 * copied as it is.
 */
export function completeRecord(entry: PendingErrorLog): PendingErrorLog {
  entry.log = { ...entry.log };
  // A data property in place of the draft's accessor: plain from here on.
  Object.defineProperty(entry, 'actions', { value: [...entry.actions], writable: true, enumerable: true, configurable: true });
  return entry;
}
