import type { Severity } from '../classify/classification.interface.js';
import type { ContextType } from '../common/context-type.js';
import type { ErrorLogRecord, PendingErrorLog, RecoveryActionRecord } from './error-log.record.js';

/** Columns the list may be sorted by (an allow-list: nothing else reaches ORDER BY). */
export const ERROR_LOG_SORT_FIELDS = ['occurred_at', 'severity', 'error_type', 'http_status', 'service'] as const;
export type ErrorLogSortField = (typeof ERROR_LOG_SORT_FIELDS)[number];

/** Filters and paging of `GET /api/errors`. */
export interface ErrorLogQuery {
  service?: string;
  severity?: Severity;
  errorType?: string;
  contextType?: ContextType;
  resolved?: boolean;
  since?: Date;
  until?: Date;
  page: number;
  limit: number;
  sort: ErrorLogSortField;
  order: 'asc' | 'desc';
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** Aggregates of `GET /api/errors/summary`. */
export interface ErrorSummary {
  total_errors: number;
  critical_errors: number;
  high_errors: number;
  unresolved_errors: number;
  error_types: { error_type: string; count: number }[];
}

/** The outcome of a recovery run written back onto its error row. */
export interface RecoveryOutcomeUpdate {
  /** True when the run served (resolved) the error: the row becomes `resolved`. Never undoes an earlier success. */
  success: boolean;
  strategy: string | null;
  /** When the run ended; the row's `resolved_at` when `success` (an earlier `resolved_at` is kept). */
  at: Date;
}

/**
 * Storage of captured errors and their recovery actions. The default is the TypeORM store on the
 * module's own DataSource; supply another through the `store` option.
 * Every write must be idempotent by id: the writer may send the same batch again after a failure.
 */
export interface ErrorLogStore {
  /** Make the store usable (connect, migrate). Called again after a failure until it succeeds. */
  connect(): Promise<void>;
  /** Insert logs and their actions; rows whose id exists are left alone. */
  insertBatch(batch: readonly PendingErrorLog[]): Promise<void>;
  findById(id: string): Promise<(ErrorLogRecord & { actions: RecoveryActionRecord[] }) | null>;
  list(query: ErrorLogQuery): Promise<Page<ErrorLogRecord>>;
  summary(query: { service?: string; since: Date }): Promise<ErrorSummary>;
  markResolved(id: string, at: Date): Promise<ErrorLogRecord | null>;
  /**
   * Append actions (e.g. of a manual recovery) and update the row's recovery columns; a successful
   * run also marks the row resolved (`resolved`, `resolved_at`), as an automatic recovery does.
   */
  appendRecovery(id: string, outcome: RecoveryOutcomeUpdate, actions: readonly RecoveryActionRecord[]): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}
