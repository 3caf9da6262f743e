import type { OutboxRow } from './outbox/alert-candidate.js';

/** What the worker does with claimed e-mail rows this round. */
export interface EmailDeliveryPlan {
  send: OutboxRow[];
  /** Rows folded into one digest per group of recipients (key: the sorted recipients). */
  fold: Map<string, OutboxRow[]>;
}

export const recipientsKey = (row: OutboxRow): string => [...row.recipients].map((r) => r.toLowerCase()).sort().join(',');

/**
 * Within the cap everything is sent. Over it, as many as fit are sent (worst first, as claimed) and
 * the rest are folded into one digest per group of recipients — each digest taking one more slot,
 * so the sent mails plus the digests never exceed `capacity`. When not even the digests fit, the
 * digests still go out (they wait for the next minute in the outbox) rather than anything being lost.
 */
export function planEmailDelivery(rows: readonly OutboxRow[], capacity: number): EmailDeliveryPlan {
  if (rows.length <= capacity) return { send: [...rows], fold: new Map() };
  const groups = new Set(rows.map(recipientsKey));
  let sendCount = Math.max(0, capacity - groups.size);
  // Sending k rows may leave groups with nothing to fold: recount until stable (k only grows).
  for (;;) {
    const rest = rows.slice(sendCount);
    const needed = new Set(rest.map(recipientsKey)).size;
    const next = Math.max(0, capacity - needed);
    if (next <= sendCount) break;
    sendCount = next;
  }
  const fold = new Map<string, OutboxRow[]>();
  for (const row of rows.slice(sendCount)) {
    const key = recipientsKey(row);
    const group = fold.get(key) ?? [];
    group.push(row);
    fold.set(key, group);
  }
  return { send: rows.slice(0, sendCount), fold };
}
