import { randomUUID } from 'node:crypto';
import { SEVERITIES, type Severity } from '../classify/classification.interface.js';
import type { Alert } from './alert.interface.js';
import type { OutboxRow } from './outbox/alert-candidate.js';

/** Items listed in a folded digest at most; the count covers all. */
const MAX_FOLDED_ITEMS = 50;

/** The digest of `count` occurrences held back under one key since `since`. */
export function suppressedDigest(template: Alert, count: number, since: Date, until: Date): Alert {
  return {
    ...template,
    id: randomUUID(),
    occurredAt: until.toISOString(),
    digestOf: { count, since: since.toISOString(), until: until.toISOString() },
    suppressed: undefined,
    occurrences: undefined,
  };
}

const worst = (a: Severity, b: Severity): Severity => (SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b);

/**
 * One e-mail for alerts the per-minute cap held back. A folded digest inside is flattened, so a
 * long storm still ends in one mail listing what it held.
 */
export function foldedDigest(rows: readonly OutboxRow[], now: Date, service: string, environment: string): Alert {
  let count = 0;
  let severity: Severity = 'low';
  const items: NonNullable<Alert['folded']>['items'] = [];
  for (const row of rows) {
    const inner = row.alert.folded;
    count += inner ? inner.count : 1;
    severity = worst(severity, row.alert.severity);
    for (const item of inner ? inner.items : [{ severity: row.alert.severity, title: row.alert.title, occurredAt: row.alert.occurredAt }]) {
      if (items.length < MAX_FOLDED_ITEMS) items.push(item);
    }
  }
  return {
    id: randomUUID(),
    kind: 'digest',
    severity,
    escalation: null,
    title: `${count} alerts held back by the e-mail limit`,
    occurredAt: now.toISOString(),
    service,
    environment,
    folded: { count, items },
  };
}
