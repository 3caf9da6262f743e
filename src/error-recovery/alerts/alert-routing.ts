import type { Severity } from '../classify/classification.interface.js';
import type { AlertRoute } from './outbox/alert-candidate.js';
import type { ResolvedAlertsOptions } from './resolve-alerts-options.js';

/** What routing needs to know of an alert. */
export interface RoutingInput {
  severity: Severity;
  /** Why the escalation recipients get it too; null when they don't. */
  escalation: string | null;
}

/** Addresses once each, compared case-insensitively (the first spelling is kept). */
function unique(list: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of list) {
    const address = raw.trim();
    if (address && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
  }
  return [...seen.values()];
}

/**
 * Where an alert goes: e-mail to the severity's recipients (plus the escalation recipients when
 * escalated), and every other configured channel — unless the severity is silenced and the alert
 * is not escalated. Pure; `channels` are the names of the configured channels.
 */
export function routeAlert(input: RoutingInput, options: Pick<ResolvedAlertsOptions, 'bySeverity' | 'silenced' | 'escalation'>, channels: readonly string[]): AlertRoute[] {
  const escalated = input.escalation !== null;
  const silenced = options.silenced.includes(input.severity);
  if (silenced && !escalated) return [];
  const routes: AlertRoute[] = [];
  for (const channel of channels) {
    if (channel !== 'email') {
      routes.push({ channel, recipients: [] });
      continue;
    }
    const recipients = unique([
      ...(silenced ? [] : options.bySeverity[input.severity]),
      ...(escalated ? options.escalation.recipients : []),
    ]);
    if (recipients.length > 0) routes.push({ channel, recipients });
  }
  return routes;
}
