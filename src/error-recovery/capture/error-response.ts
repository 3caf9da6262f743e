import type { Classification } from '../classify/classification.interface.js';
import { userMessageFor } from '../classify/user-messages.js';
import { recoverySummary, type RecoveryReport, type RecoverySummary } from '../execute/recovery-report.js';

/** The body a client gets when an error was captured and not recovered. */
export interface ErrorResponseBody {
  error: {
    type: string;
    message: string;
    /** null for a request refused by an open breaker (nothing is stored for it). */
    error_id: string | null;
    severity: string;
    /** Only with `exposeDetails` in development. */
    details?: { message: string; stack?: string };
  };
  recovery: RecoverySummary;
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
    recovery: recoverySummary(report),
  };
}

/** Body of a request refused by an effect of recovery (open breaker, throttle); nothing is stored. */
export function refusalBody(type: string, severity: string, message: string): ErrorResponseBody {
  return {
    error: { type, message: userMessageFor(type), error_id: null, severity },
    recovery: { attempted: false, success: false, message, actions: [] },
  };
}
