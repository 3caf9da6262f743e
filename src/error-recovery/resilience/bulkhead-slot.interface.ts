import type { Priority } from './priority-bulkhead.js';

/** A request's place in its route's bulkhead. */
export interface BulkheadSlot {
  readonly priority: Priority;
  /** Gives the slot up and waits for one again at `priority` (ahead of lower waiters). */
  requeue(priority: Priority, signal?: AbortSignal): Promise<void>;
}
