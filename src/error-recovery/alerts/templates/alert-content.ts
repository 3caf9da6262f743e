import type { Alert } from '../alert.interface.js';
import { multiLine, oneLine } from './escape.js';

/**
 * What every renderer shows, taken out of an alert once: each value single-lined (or, for the
 * message, capped) but not yet escaped — escaping belongs to the format (HTML, Slack, Telegram).
 */

/** One labelled line, e.g. `Service: orders`. */
export interface AlertField {
  label: string;
  value: string;
}

/** One recovery action, e.g. `retry: failed — upstream 503`. */
export interface AlertActionLine {
  strategy: string;
  outcome: 'success' | 'failed' | 'skipped';
  /** Empty when the strategy said nothing. */
  message: string;
}

/** Folded items listed at most; the rest are counted. */
export const MAX_FOLDED_LINES = 50;

/** `HH:MM UTC` of an ISO time; the (single-lined) input itself when it is not a valid time. */
export function utcTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return oneLine(String(iso), 40);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** `+137 more since 14:02 UTC`. */
export function moreSince(held: { count: number; since: string }): string {
  return `+${Number(held.count)} more since ${utcTime(held.since)}`;
}

/** The key facts of an alert, in display order; only the ones the alert has. */
export function alertFields(alert: Alert): AlertField[] {
  const fields: AlertField[] = [];
  const add = (label: string, value: string | null | undefined, max = 200) => {
    if (value !== null && value !== undefined && value !== '') fields.push({ label, value: oneLine(String(value), max) });
  };
  const { error, occurrences, suppressed, digestOf } = alert;
  add('Error id', error?.id);
  add('Type', error?.type);
  add('Severity', String(alert.severity).toUpperCase());
  add('Service', alert.service);
  add('Environment', alert.environment);
  if (error?.route) add('Route', `${error.method ?? ''} ${error.route}`.trim(), 300);
  add('Time', alert.occurredAt);
  if (occurrences) {
    const minutes = Number(occurrences.windowMinutes);
    add(`Occurrences in the last ${minutes === 1 ? 'minute' : `${minutes} minutes`}`, String(Number(occurrences.count)));
  }
  if (suppressed) add('Suppressed', moreSince(suppressed));
  if (digestOf) add('Held back', `${Number(digestOf.count)} occurrences from ${utcTime(digestOf.since)} to ${utcTime(digestOf.until)}`);
  add('Escalated', alert.escalation, 300);
  return fields;
}

/** `recovered by pool_increase`, `not recovered`, `not attempted`; undefined without a recovery. */
export function recoverySummary(alert: Alert): string | undefined {
  const recovery = alert.recovery;
  if (!recovery) return undefined;
  if (!recovery.attempted) return 'not attempted';
  if (!recovery.success) return 'not recovered';
  return recovery.resolvedBy ? `recovered by ${oneLine(recovery.resolvedBy, 100)}` : 'recovered';
}

/** The recovery actions in order. */
export function actionLines(alert: Alert): AlertActionLine[] {
  return (alert.recovery?.actions ?? []).map((action) => ({
    strategy: oneLine(String(action.strategy), 100),
    outcome: action.skipped ? 'skipped' : action.success ? 'success' : 'failed',
    message: oneLine(String(action.message ?? ''), 300),
  }));
}

/** The further facts (breaker name, throttle key…) as fields. */
export function factFields(alert: Alert): AlertField[] {
  return Object.entries(alert.facts ?? {}).map(([label, value]) => ({ label: oneLine(label, 60), value: oneLine(String(value), 300) }));
}

/** `[HIGH] 14:02 UTC <title>` per folded alert, at most {@link MAX_FOLDED_LINES}, then `… and N more`. */
export function foldedLines(alert: Alert): string[] {
  const items = alert.folded?.items ?? [];
  const lines = items
    .slice(0, MAX_FOLDED_LINES)
    .map((item) => oneLine(`[${String(item.severity).toUpperCase()}] ${utcTime(item.occurredAt)} ${item.title}`, 250));
  if (items.length > MAX_FOLDED_LINES) lines.push(`… and ${items.length - MAX_FOLDED_LINES} more`);
  return lines;
}

/** The error message, newlines kept, capped at `max` characters; undefined when there is none. */
export function alertMessage(alert: Alert, max = 2000): string | undefined {
  const message = alert.error?.message;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  return multiLine(message, max);
}

/**
 * The URL, normalised, when it is an absolute http(s) URL — the only kind a renderer turns into
 * a link (a `javascript:` or `data:` URL in stored data must never become clickable).
 */
export function httpLink(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
