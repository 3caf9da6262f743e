import type { Severity } from '../classify/classification.interface.js';
import type { Alert } from './alert.interface.js';
import { foldedDigest, suppressedDigest } from './digest-alerts.js';
import type { OutboxRow } from './outbox/alert-candidate.js';
import { newOutboxRow } from './outbox/alert-outbox.rows.js';
import { bareAlert, fullAlert } from './templates/alert-fixtures.spec-helper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOW = new Date('2024-05-01T14:10:00.000Z');

const row = (alert: Alert, id = alert.id): OutboxRow => newOutboxRow(id, alert, 'email', ['team@example.com'], null, NOW);
const alertOf = (severity: Severity, n: number): Alert =>
  bareAlert({ id: `a-${n}`, severity, title: `alert ${n}`, occurredAt: new Date(Date.UTC(2024, 4, 1, 14, 0, n)).toISOString() });
const itemOf = (a: Alert) => ({ severity: a.severity, title: a.title, occurredAt: a.occurredAt });

describe('suppressedDigest', () => {
  const template = fullAlert({ suppressed: { count: 3, since: '2024-05-01T13:50:00.000Z' } });
  const digest = suppressedDigest(template, 137, new Date('2024-05-01T14:02:59.000Z'), new Date('2024-05-01T14:12:00.000Z'));

  it('is the template with a new id, dated at the end of the window', () => {
    expect(digest.id).toMatch(UUID);
    expect(digest.id).not.toBe(template.id);
    expect(digest.occurredAt).toBe('2024-05-01T14:12:00.000Z');
    expect(digest).toMatchObject({ kind: template.kind, severity: template.severity, title: template.title, error: template.error, recovery: template.recovery });
  });

  it('says how many were held back and when', () => {
    expect(digest.digestOf).toEqual({ count: 137, since: '2024-05-01T14:02:59.000Z', until: '2024-05-01T14:12:00.000Z' });
  });

  it('drops the counts of the template, also from its JSON', () => {
    expect(digest.suppressed).toBeUndefined();
    expect(digest.occurrences).toBeUndefined();
    const json: unknown = JSON.parse(JSON.stringify(digest));
    expect(json).not.toHaveProperty('suppressed');
    expect(json).not.toHaveProperty('occurrences');
  });

  it('leaves the template alone', () => {
    expect(template.suppressed).toEqual({ count: 3, since: '2024-05-01T13:50:00.000Z' });
    expect(template.digestOf).toBeUndefined();
  });
});

describe('foldedDigest', () => {
  it('lists the alerts it folds, in order, as one digest of this service', () => {
    const alerts = [alertOf('medium', 1), alertOf('high', 2), alertOf('low', 3)];
    const digest = foldedDigest(alerts.map((a) => row(a)), NOW, 'orders', 'production');
    expect(digest.id).toMatch(UUID);
    expect(digest).toMatchObject({
      kind: 'digest',
      severity: 'high',
      escalation: null,
      title: '3 alerts held back by the e-mail limit',
      occurredAt: NOW.toISOString(),
      service: 'orders',
      environment: 'production',
      folded: { count: 3, items: alerts.map(itemOf) },
    });
    expect(digest.error).toBeUndefined();
  });

  it.each<[Severity[], Severity]>([
    [['low'], 'low'],
    [['low', 'medium', 'low'], 'medium'],
    [['medium', 'critical', 'high'], 'critical'],
    [['high', 'high'], 'high'],
  ])('takes the worst severity of %j: %s', (severities, expected) => {
    expect(foldedDigest(severities.map((s, i) => row(alertOf(s, i))), NOW, 'orders', 'production').severity).toBe(expected);
  });

  it('flattens a digest inside: its items are listed and its count summed', () => {
    const earlier = foldedDigest([row(alertOf('critical', 1)), row(alertOf('low', 2))], NOW, 'orders', 'production');
    const later = alertOf('medium', 3);
    const digest = foldedDigest([row(earlier, 'digest-row'), row(later)], NOW, 'orders', 'production');
    expect(digest.folded).toEqual({ count: 3, items: [itemOf(alertOf('critical', 1)), itemOf(alertOf('low', 2)), itemOf(later)] });
    expect(digest.severity).toBe('critical');
    expect(digest.title).toBe('3 alerts held back by the e-mail limit');
    expect(digest.folded!.items.map((i) => i.title)).not.toContain(earlier.title);
  });

  it('counts a folded count beyond the items it lists', () => {
    const big = bareAlert({ kind: 'digest', severity: 'high', folded: { count: 500, items: [itemOf(alertOf('high', 1))] } });
    const digest = foldedDigest([row(big), row(alertOf('low', 2))], NOW, 'orders', 'production');
    expect(digest.folded!.count).toBe(501);
    expect(digest.folded!.items).toHaveLength(2);
  });

  it('lists at most 50 items but counts them all, keeping the first ones', () => {
    const alerts = Array.from({ length: 60 }, (_, i) => alertOf('low', i));
    const digest = foldedDigest(alerts.map((a) => row(a)), NOW, 'orders', 'production');
    expect(digest.folded!.count).toBe(60);
    expect(digest.folded!.items).toEqual(alerts.slice(0, 50).map(itemOf));
    expect(digest.title).toBe('60 alerts held back by the e-mail limit');
  });

  it('keeps the cap of 50 across flattened digests', () => {
    const inner = bareAlert({ kind: 'digest', folded: { count: 45, items: Array.from({ length: 45 }, (_, i) => itemOf(alertOf('low', i))) } });
    const rows = [row(inner), ...Array.from({ length: 10 }, (_, i) => row(alertOf('critical', 100 + i)))];
    const digest = foldedDigest(rows, NOW, 'orders', 'production');
    expect(digest.folded!.count).toBe(55);
    expect(digest.folded!.items).toHaveLength(50);
    expect(digest.folded!.items.at(-1)).toEqual(itemOf(alertOf('critical', 104)));
    expect(digest.severity).toBe('critical');
  });
});
