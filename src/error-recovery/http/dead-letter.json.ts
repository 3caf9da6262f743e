import type { DeadLetterRecord } from '../dead-letters/dead-letter-store.interface.js';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** The API shape of a dead letter (snake_case, like the table). The lease owner is internal and left out. */
export function deadLetterJson(r: DeadLetterRecord): Record<string, unknown> {
  return {
    id: r.id,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    service: r.service,
    context_type: r.contextType,
    operation: r.operation,
    handler: r.handler,
    status: r.status,
    payload: r.payload,
    attempts: r.attempts,
    max_attempts: r.maxAttempts,
    next_attempt_at: iso(r.nextAttemptAt),
    lease_expires_at: iso(r.leaseExpiresAt),
    error_log_id: r.errorLogId,
    error_message: r.errorMessage,
    replayed_at: iso(r.replayedAt),
  };
}
