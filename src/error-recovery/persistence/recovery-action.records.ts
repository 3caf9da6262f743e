import { randomUUID } from 'node:crypto';
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
    message: a.message,
    details: a.details ?? null,
    durationMs: a.durationMs,
    startedAt: new Date(a.startedAt),
  }));
}
