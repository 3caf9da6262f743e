import type { Severity } from '../../classify/classification.interface.js';
import type { Alert } from '../alert.interface.js';
import { actionLines, alertFields, alertMessage, factFields, foldedLines, httpLink, recoverySummary, type AlertField } from './alert-content.js';
import { alertSubject } from './alert-subject.js';
import { escapeHtml, oneLine } from './escape.js';

const COLOURS: Readonly<Record<Severity, string>> = { critical: '#b71c1c', high: '#e65100', medium: '#f9a825', low: '#546e7a' };
const OUTCOME_COLOURS = { success: '#2e7d32', failed: '#b71c1c', skipped: '#757575' } as const;
const CELL = 'padding:4px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top';

function rows(fields: AlertField[]): string {
  return fields
    .map((f) => `<tr><th style="${CELL};color:#555;font-weight:600;white-space:nowrap">${escapeHtml(f.label)}</th><td style="${CELL}">${escapeHtml(f.value)}</td></tr>`)
    .join('');
}

function list(items: string[]): string {
  return items.length === 0 ? '' : `<ul style="margin:4px 0 12px;padding-left:20px">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

/** The link to the error's details: a link only for http(s) URLs, any other text shown as text. */
function detailsLink(alert: Alert): string {
  const raw = alert.error?.detailUrl;
  if (!raw) return '';
  const href = httpLink(raw);
  if (href === undefined) return `<p>Details: ${escapeHtml(oneLine(raw, 500))}</p>`;
  return `<p><a href="${escapeHtml(href)}" style="color:#1565c0">View error details</a></p>`;
}

/**
 * The HTML body of an alert e-mail: a small self-contained document (inline styles only, no
 * scripts, no remote resources) with the same content as {@link alertText}. Every interpolated
 * value is passed through {@link escapeHtml}; the details URL becomes a link only when http(s).
 */
export function alertHtml(alert: Alert): string {
  const subject = escapeHtml(alertSubject(alert));
  const colour = alert.kind === 'circuit_breaker_closed' ? '#2e7d32' : (COLOURS[alert.severity] ?? '#546e7a');
  const message = alertMessage(alert);
  const summary = recoverySummary(alert);
  const actions = actionLines(alert).map(
    (a) =>
      `<code>${escapeHtml(a.strategy)}</code>: <span style="color:${OUTCOME_COLOURS[a.outcome]}">${a.outcome}</span>${a.message ? ` — ${escapeHtml(a.message)}` : ''}`,
  );
  const facts = factFields(alert);
  const folded = foldedLines(alert).map(escapeHtml);
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${subject}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">',
    `<h2 style="margin:0 0 12px;font-size:18px;border-left:4px solid ${colour};padding-left:8px">${subject}</h2>`,
    message === undefined ? '' : `<pre style="white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:8px;margin:0 0 12px">${escapeHtml(message)}</pre>`,
    `<table style="border-collapse:collapse;margin:0 0 12px">${rows(alertFields(alert))}</table>`,
    summary === undefined ? '' : `<p style="margin:0 0 4px"><b>Recovery:</b> ${escapeHtml(summary)}</p>`,
    list(actions),
    facts.length === 0 ? '' : `<table style="border-collapse:collapse;margin:0 0 12px">${rows(facts)}</table>`,
    folded.length === 0 ? '' : `<p style="margin:0 0 4px"><b>Held back (${Number(alert.folded?.count ?? folded.length)}):</b></p>${list(folded)}`,
    detailsLink(alert),
    '</body></html>',
  ].join('\n');
}
