import type { Alert } from '../alert.interface.js';
import { actionLines, alertFields, alertMessage, factFields, foldedLines, httpLink, recoverySummary } from './alert-content.js';
import { alertSubject } from './alert-subject.js';

/** Slack incoming-webhook payload. */
export interface SlackPayload {
  /** mrkdwn text. */
  text: string;
}

/**
 * Slack's escaping: only `&`, `<` and `>` are control characters in message text (`<…>` makes
 * links and mentions such as `<!channel>`), so data cannot ping anyone or forge a link.
 */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Message lines quoted with `>`, the message capped lower than in e-mail. */
const MAX_MESSAGE = 1000;

/**
 * The Slack message of an alert: the subject in bold, the message quoted, the key fields, the
 * recovery actions, facts, folded alerts and a `<url|details>` link (only for http(s) URLs).
 * All data is escaped with {@link escapeSlack}.
 */
export function alertSlack(alert: Alert): SlackPayload {
  const lines = [`*${escapeSlack(alertSubject(alert))}*`];
  const message = alertMessage(alert, MAX_MESSAGE);
  if (message !== undefined) lines.push(...message.split('\n').map((l) => `> ${escapeSlack(l)}`));
  for (const f of alertFields(alert)) lines.push(`*${escapeSlack(f.label)}:* ${escapeSlack(f.value)}`);
  const summary = recoverySummary(alert);
  if (summary !== undefined) lines.push(`*Recovery:* ${escapeSlack(summary)}`);
  for (const a of actionLines(alert)) lines.push(`• ${escapeSlack(a.strategy)}: ${a.outcome}${a.message ? ` — ${escapeSlack(a.message)}` : ''}`);
  for (const f of factFields(alert)) lines.push(`*${escapeSlack(f.label)}:* ${escapeSlack(f.value)}`);
  for (const l of foldedLines(alert)) lines.push(`• ${escapeSlack(l)}`);
  const href = httpLink(alert.error?.detailUrl);
  // `|` ends the URL part of a Slack link: percent-encode it (same URL for the server).
  if (href !== undefined) lines.push(`<${escapeSlack(href.replace(/\|/g, '%7C'))}|details>`);
  return { text: lines.join('\n') };
}
