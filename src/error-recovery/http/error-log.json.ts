import type { ErrorLogRecord, RecoveryActionRecord } from '../persistence/error-log.record.js';

/** The API shape of an error (snake_case, like the table and the summary). */
export function errorLogJson(r: ErrorLogRecord): Record<string, unknown> {
  return {
    id: r.id,
    occurred_at: r.occurredAt.toISOString(),
    service: r.service,
    environment: r.environment,
    error_type: r.errorType,
    category: r.category,
    severity: r.severity,
    http_status: r.httpStatus,
    transient: r.transient,
    message: r.message,
    stack: r.stack,
    fingerprint: r.fingerprint,
    context_type: r.contextType,
    operation: r.operation,
    method: r.method,
    route: r.route,
    path: r.path,
    request_id: r.requestId,
    context: r.context,
    resolved: r.resolved,
    resolved_at: r.resolvedAt?.toISOString() ?? null,
    recovery_attempted: r.recoveryAttempted,
    recovery_success: r.recoverySuccess,
    recovery_strategy: r.recoveryStrategy,
  };
}

/** The API shape of a recovery action. */
export function recoveryActionJson(a: RecoveryActionRecord): Record<string, unknown> {
  return {
    id: a.id,
    position: a.position,
    strategy: a.strategy,
    trigger: a.trigger,
    success: a.success,
    skipped: a.skipped,
    message: a.message,
    details: a.details,
    duration_ms: a.durationMs,
    started_at: a.startedAt.toISOString(),
  };
}
