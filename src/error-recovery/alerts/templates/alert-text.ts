import type { Alert } from '../alert.interface.js';
import { actionLines, alertFields, alertMessage, factFields, foldedLines, recoverySummary } from './alert-content.js';
import { alertSubject } from './alert-subject.js';
import { oneLine } from './escape.js';

/**
 * The plain-text body of an alert e-mail: subject, message (newlines kept, at most 2000
 * characters), the key fields, recovery and its actions, facts, folded alerts and the details
 * link. Every one-line value is single-lined, so data cannot forge extra lines or fields.
 */
export function alertText(alert: Alert): string {
  const blocks: string[][] = [[alertSubject(alert)]];
  const message = alertMessage(alert);
  if (message !== undefined) blocks.push([message]);
  blocks.push(alertFields(alert).map((f) => `${f.label}: ${f.value}`));

  const summary = recoverySummary(alert);
  if (summary !== undefined) {
    const actions = actionLines(alert).map((a) => `- ${a.strategy}: ${a.outcome}${a.message ? ` — ${a.message}` : ''}`);
    blocks.push([`Recovery: ${summary}`, ...actions]);
  }
  const facts = factFields(alert);
  if (facts.length > 0) blocks.push(facts.map((f) => `${f.label}: ${f.value}`));
  const folded = foldedLines(alert);
  if (folded.length > 0) blocks.push([`Held back (${Number(alert.folded?.count ?? folded.length)}):`, ...folded.map((l) => `- ${l}`)]);

  const detailUrl = alert.error?.detailUrl;
  if (detailUrl) blocks.push([`Details: ${oneLine(detailUrl, 500)}`]);
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
