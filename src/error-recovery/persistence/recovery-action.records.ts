import { randomUUID } from 'node:crypto';
import { scrub, scrubString } from '../common/scrub.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import type { RecoveryActionRecord, RecoveryTrigger } from './error-log.record.js';

/** Rows for the actions of one recovery run, numbered from `firstPosition`. */
export function toActionRecords(
  errorLogId: string,
  actions: readonly ExecutedAction[],
  trigger: RecoveryTrigger,
  firstPosition = 0,
): RecoveryActionRecord[] {
  return actions.map((a, i) => ({
    id: randomUUID(),
    errorLogId,
    position: firstPosition + i,
    strategy: a.strategy,
    trigger,
    success: a.success,
    skipped: a.skipped,
    // Step messages quote raw error text (connection strings, tokens): scrub like everything stored.
    message: scrubString(a.message),
    details: a.details === undefined ? null : scrub(a.details),
    durationMs: a.durationMs,
    startedAt: new Date(a.startedAt),
  }));
}
