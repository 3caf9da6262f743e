import type { Alert } from '../alert.interface.js';
import { moreSince } from './alert-content.js';
import { oneLine } from './escape.js';

/** Longest subject, characters; the rest is cut with `…`. */
export const MAX_SUBJECT_LENGTH = 250;

/** `[CRITICAL]`, `[CRITICAL][ESCALATED]`, or `[RESOLVED]` for a breaker that closed again. */
function tag(alert: Alert): string {
  // The recovery notice goes to whoever heard of the opening; it needs no escalation mark.
  if (alert.kind === 'circuit_breaker_closed') return '[RESOLVED]';
  const level = `[${String(alert.severity).toUpperCase()}]`;
  return alert.escalation ? `${level}[ESCALATED]` : level;
}

/**
 * The one-line subject of an alert, shared by every channel:
 * - `[CRITICAL] DatabaseError in orders: pool exhausted — recovered by pool_increase`
 * - `[CRITICAL][ESCALATED] …` when escalated, `[RESOLVED] …` for `circuit_breaker_closed`
 * - `[HIGH] +137 more since 14:02 UTC: <title>` for a deduplication digest
 * - `[DIGEST] 12 alerts held back by the e-mail limit` for a `digest` alert
 *
 * Always single-lined and cut to {@link MAX_SUBJECT_LENGTH}, so no CR/LF from data reaches a header.
 */
export function alertSubject(alert: Alert): string {
  if (alert.kind === 'digest') return oneLine(`[DIGEST] ${Number(alert.folded?.count ?? 0)} alerts held back by the e-mail limit`, MAX_SUBJECT_LENGTH);
  const title = alert.digestOf ? `${moreSince(alert.digestOf)}: ${alert.title}` : alert.title;
  return oneLine(`${tag(alert)} ${title}`, MAX_SUBJECT_LENGTH);
}
