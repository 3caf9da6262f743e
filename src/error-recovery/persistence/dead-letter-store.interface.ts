import type { ContextType } from '../common/context-type.js';
import type { JsonValue } from '../common/safe-serialize.js';
import type { Page } from './error-log-store.interface.js';

/**
 * Work that failed for good after its retries (a microservice event): what is needed to run it again
 * by hand. The payload is scrubbed as the error row's context is.
 */
export interface DeadLetterRecord {
  id: string;
  createdAt: Date;
  service: string;
  contextType: ContextType;
  /** What identifies the work: the event pattern. */
  operation: string;
  payload: JsonValue;
  /** Runs in all, the first one included. */
  attempts: number;
  /** The error row of the first failure; null when that error was not captured. */
  errorLogId: string | null;
  /** The last failure's message, scrubbed. */
  errorMessage: string;
  /** When an operator replayed it; null until then. */
  replayedAt: Date | null;
}

/** Filters and paging of `GET /api/dead-letters`. */
export interface DeadLetterQuery {
  service?: string;
  page: number;
  limit: number;
}

/**
 * Storage of dead letters. The default is the table `dead_letters` on the module's DataSource;
 * supply another through the `deadLetterStore` option. Inserts must be idempotent by id: a failed
 * insert is sent again.
 */
export interface DeadLetterStore {
  /** Make the store usable (connect, migrate). Called again after a failure until it succeeds. */
  connect(): Promise<void>;
  /** Inserts one dead letter; a row whose id exists is left alone. */
  insert(letter: DeadLetterRecord): Promise<void>;
  /** Newest first. */
  list(query: DeadLetterQuery): Promise<Page<DeadLetterRecord>>;
  /** Release connections. */
  close(): Promise<void>;
}
