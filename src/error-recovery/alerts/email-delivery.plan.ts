import type { OutboxRow } from './outbox/alert-candidate.js';

/** What the worker does with claimed e-mail rows this round. */
export interface EmailDeliveryPlan {
  send: OutboxRow[];
  /** Rows folded into one digest per group of recipients (key: the sorted recipients). */
  fold: Map<string, OutboxRow[]>;
  /** Rows given back untouched, to be sent (or folded) once the cap allows. */
  defer: OutboxRow[];
}

export const recipientsKey = (row: OutboxRow): string => [...row.recipients].map((r) => r.toLowerCase()).sort().join(',');

const groupCount = (rows: readonly OutboxRow[]): number => new Set(rows.map(recipientsKey)).size;

/**
 * Within the cap everything is sent. Over it, as many as fit are sent (worst first, as claimed) and
 * the rest are folded into one digest per group of recipients, each digest taking one slot, so the
 * mails sent plus the digests never exceed `capacity`. When not even the digests fit, nothing is
 * folded: what fits is sent and the rest waits for the cap (folding then would only fold digests
 * into digests). A group of one row is sent as it is: a digest of one mail is no saving.
 */
export function planEmailDelivery(rows: readonly OutboxRow[], capacity: number): EmailDeliveryPlan {
  if (rows.length <= capacity) return { send: [...rows], fold: new Map(), defer: [] };
  // Sending k rows may leave groups with nothing to fold: recount until stable (k only grows).
  let sendCount = Math.max(0, capacity - groupCount(rows));
  for (;;) {
    const next = Math.max(0, capacity - groupCount(rows.slice(sendCount)));
    if (next <= sendCount) break;
    sendCount = next;
  }
  const rest = rows.slice(sendCount);
  if (sendCount + groupCount(rest) > capacity) {
    const fits = Math.max(0, capacity);
    return { send: rows.slice(0, fits), fold: new Map(), defer: rows.slice(fits) };
  }
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rest) {
    const key = recipientsKey(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const send = rows.slice(0, sendCount);
  const fold = new Map<string, OutboxRow[]>();
  for (const [key, group] of groups) {
    if (group.length === 1) send.push(group[0]);
    else fold.set(key, group);
  }
  return { send, fold, defer: [] };
}
