import type { Classification } from '../classify/classification.interface.js';
import type { RecoveryReport } from '../execute/recovery-report.js';

/** The body a client gets when an error was captured and not recovered. */
export interface ErrorResponseBody {
  error: {
    type: string;
    message: string;
    error_id: string;
    severity: string;
    /** Only with `exposeDetails` in development. */
    details?: { message: string; stack?: string };
  };
  recovery: {
    attempted: boolean;
    success: boolean;
    message: string;
    actions: { strategy: string; success: boolean; skipped: boolean }[];
  };
}

/**
 * Builds the client body. Only client-safe fields: the catalogue message, the type, the id, and
 * per action its strategy and outcome — never the action's own message (it may name internals).
 */
export function buildErrorBody(
  errorId: string,
  classification: Classification,
  report: RecoveryReport,
  exposeDetails: boolean,
): ErrorResponseBody {
  return {
    error: {
      type: classification.errorType,
      message: classification.userMessage,
      error_id: errorId,
      severity: classification.severity,
      ...(exposeDetails ? { details: { message: classification.message, stack: classification.stack } } : {}),
    },
    recovery: {
      attempted: report.attempted,
      success: report.success,
      message: report.message,
      actions: report.actions.map((a) => ({ strategy: a.strategy, success: a.success, skipped: a.skipped })),
    },
  };
}
