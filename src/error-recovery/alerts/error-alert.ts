import { randomUUID } from 'node:crypto';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { ErrorLogRecord, RecoveryActionRecord } from '../persistence/error-log.record.js';
import type { Alert } from './alert.interface.js';
import { oneLine } from './templates/escape.js';

/** Where links in alerts point: `<baseUrl>/<apiPath>/<error id>`; null when either is unknown. */
export interface AlertLinks {
  baseUrl: string | null;
  /** The admin API's path, e.g. `api/errors`; null when the API is off. */
  apiPath: string | null;
}

const MESSAGE_IN_TITLE = 120;


export function detailUrl(links: AlertLinks, id: string): string | null {
  if (!links.baseUrl || !links.apiPath) return null;
  return `${links.baseUrl}/${links.apiPath.replace(/^\/+|\/+$/g, '')}/${id}`;
}

function outcome(report: RecoveryReport): string {
  if (!report.attempted) return 'recovery not attempted';
  return report.success ? `recovered by ${report.resolvedBy ?? 'recovery'}` : 'not recovered';
}

/** The alert of one captured error; `escalation` says why the escalation recipients get it too. */
export function errorAlert(
  record: ErrorLogRecord,
  report: RecoveryReport,
  actions: readonly RecoveryActionRecord[],
  links: AlertLinks,
  escalation: string | null,
): Alert {
  return {
    id: randomUUID(),
    kind: 'error',
    severity: record.severity,
    escalation,
    title: `${record.errorType} in ${record.service}: ${oneLine(record.message, MESSAGE_IN_TITLE)} — ${outcome(report)}`,
    occurredAt: record.occurredAt.toISOString(),
    service: record.service,
    environment: record.environment,
    error: {
      id: record.id,
      type: record.errorType,
      message: record.message,
      httpStatus: record.httpStatus,
      transient: record.transient,
      fingerprint: record.fingerprint,
      method: record.method,
      route: record.route,
      detailUrl: detailUrl(links, record.id),
    },
    recovery: {
      attempted: report.attempted,
      success: report.success,
      resolvedBy: report.resolvedBy,
      // The stored (scrubbed) actions, never the raw report's messages.
      actions: actions.map((a) => ({ strategy: a.strategy, success: a.success, skipped: a.skipped, message: oneLine(a.message, 300) })),
    },
  };
}

/** Escalation (b): the same fingerprint `count` times within `windowMinutes`. */
export function repeatedErrorAlert(base: Alert, count: number, windowMinutes: number): Alert {
  const error = base.error;
  return {
    ...base,
    id: randomUUID(),
    kind: 'multiple_failures',
    escalation: `occurred ${count} times within ${windowMinutes} min`,
    title: `${error?.type ?? 'Error'} in ${base.service} occurred ${count} times in ${windowMinutes} min: ${oneLine(error?.message ?? '', MESSAGE_IN_TITLE)}`,
    occurrences: { count, windowMinutes },
  };
}

