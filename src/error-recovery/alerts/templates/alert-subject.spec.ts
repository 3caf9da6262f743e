import type { Alert } from '../alert.interface.js';
import { bareAlert, CRLF_TITLE, fullAlert } from './alert-fixtures.spec-helper.js';
import { alertSubject } from './alert-subject.js';

const folded = { count: 12, items: [{ severity: 'low' as const, title: 'x', occurredAt: '2024-05-01T14:00:00.000Z' }] };

describe('alertSubject', () => {
  it.each<[string, Alert, string]>([
    ['a plain alert', fullAlert(), '[CRITICAL] DatabaseError in orders: connection pool exhausted — recovered by pool_increase'],
    ['an escalated alert', fullAlert({ escalation: 'not recovered' }), '[CRITICAL][ESCALATED] DatabaseError in orders: connection pool exhausted — recovered by pool_increase'],
    [
      'a deduplication digest',
      bareAlert({ title: 'ValidationError in orders', digestOf: { count: 137, since: '2024-05-01T14:02:59.000Z', until: '2024-05-01T14:12:00.000Z' } }),
      '[HIGH] +137 more since 14:02 UTC: ValidationError in orders',
    ],
    ['an e-mail-cap digest', bareAlert({ kind: 'digest', severity: 'critical', folded }), '[DIGEST] 12 alerts held back by the e-mail limit'],
    ['a breaker that closed', bareAlert({ kind: 'circuit_breaker_closed', title: 'Circuit breaker orders-db closed' }), '[RESOLVED] Circuit breaker orders-db closed'],
    ['a closed breaker, escalated: no escalation mark', bareAlert({ kind: 'circuit_breaker_closed', title: 'closed', escalation: 'x' }), '[RESOLVED] closed'],
    ['a CRLF injection in the title', bareAlert({ title: CRLF_TITLE }), '[HIGH] boom Bcc: evil@x.test'],
  ])('%s', (_name, alert, expected) => {
    expect(alertSubject(alert)).toBe(expected);
  });

  it('is one line of at most 250 characters whatever the title', () => {
    const subject = alertSubject(bareAlert({ title: `a\u2028b\u0085c\n${'z'.repeat(400)}` }));
    expect(subject).not.toMatch(/[\r\n\u0085\u2028]/);
    expect(subject).toHaveLength(250);
    expect(subject.endsWith('…')).toBe(true);
  });
});
