import type { DeadLetterRecord } from '../persistence/dead-letter-store.interface.js';

/** The API shape of a dead letter (snake_case, like the table). */
export function deadLetterJson(r: DeadLetterRecord): Record<string, unknown> {
  return {
    id: r.id,
    created_at: r.createdAt.toISOString(),
    service: r.service,
    context_type: r.contextType,
    operation: r.operation,
    payload: r.payload,
    attempts: r.attempts,
    error_log_id: r.errorLogId,
    error_message: r.errorMessage,
    replayed_at: r.replayedAt?.toISOString() ?? null,
  };
}
