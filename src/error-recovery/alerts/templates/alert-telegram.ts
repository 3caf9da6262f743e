import type { Alert } from '../alert.interface.js';
import { actionLines, alertFields, alertMessage, factFields, foldedLines, httpLink, recoverySummary } from './alert-content.js';
import { alertSubject } from './alert-subject.js';
import { escapeHtml } from './escape.js';

/** Longest text sent, characters (Telegram's limit is 4096 after entity parsing). */
export const MAX_TELEGRAM_LENGTH = 4000;
/** The escaped message, characters; leaves room for the fields after it. */
const MAX_MESSAGE = 1200;

/**
 * The Telegram text of an alert, for `parse_mode: 'HTML'`: only `<b>`, `<i>`, `<code>` and
 * `<a href>` tags, all data through {@link escapeHtml}, links only for http(s) URLs. Built line by
 * line and cut before the first line that would pass {@link MAX_TELEGRAM_LENGTH}, ending with `…`,
 * so a cut never falls inside a tag or an entity.
 */
export function alertTelegram(alert: Alert): string {
  const lines = [`<b>${escapeHtml(alertSubject(alert))}</b>`];
  const message = alertMessage(alert, MAX_MESSAGE);
  if (message !== undefined) lines.push(`<code>${escapeWithin(message, MAX_MESSAGE)}</code>`);
  for (const f of alertFields(alert)) lines.push(`<b>${escapeHtml(f.label)}:</b> ${escapeHtml(f.value)}`);
  const summary = recoverySummary(alert);
  if (summary !== undefined) lines.push(`<b>Recovery:</b> ${escapeHtml(summary)}`);
  for (const a of actionLines(alert)) lines.push(`• <code>${escapeHtml(a.strategy)}</code>: ${a.outcome}${a.message ? ` — ${escapeHtml(a.message)}` : ''}`);
  for (const f of factFields(alert)) lines.push(`<i>${escapeHtml(f.label)}:</i> ${escapeHtml(f.value)}`);
  const href = httpLink(alert.error?.detailUrl);
  if (href !== undefined) lines.push(`<a href="${escapeHtml(href)}">details</a>`);
  for (const l of foldedLines(alert)) lines.push(`• ${escapeHtml(l)}`);
  return fit(lines, MAX_TELEGRAM_LENGTH);
}

/** `s` escaped, cut between characters (never inside an entity) so the result stays within `max`. */
function escapeWithin(s: string, max: number): string {
  let out = '';
  for (const char of s) {
    const escaped = escapeHtml(char);
    if (out.length + escaped.length > max - 1) return `${out}…`;
    out += escaped;
  }
  return out;
}

/** The lines joined by LF, stopping before the first one that would not fit (then `…`). */
function fit(lines: string[], max: number): string {
  let out = lines[0] ?? '';
  for (const line of lines.slice(1)) {
    if (out.length + 1 + line.length > max - 2) return `${out}\n…`;
    out = `${out}\n${line}`;
  }
  return out;
}
