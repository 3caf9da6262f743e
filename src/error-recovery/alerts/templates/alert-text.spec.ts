import { bareAlert, fullAlert } from './alert-fixtures.spec-helper.js';
import { alertText } from './alert-text.js';

describe('alertText', () => {
  it('renders every part of a full alert', () => {
    expect(alertText(fullAlert({ escalation: 'critical and repeated 10 times in 5 minutes' }))).toBe(
      [
        '[CRITICAL][ESCALATED] DatabaseError in orders: connection pool exhausted — recovered by pool_increase',
        '',
        'connection pool exhausted',
        '  at Pool.acquire',
        '',
        'Error id: e0000000-0000-4000-8000-000000000042',
        'Type: DatabaseError',
        'Severity: CRITICAL',
        'Service: orders',
        'Environment: production',
        'Route: POST /orders/:id',
        'Time: 2024-05-01T14:02:09.000Z',
        'Occurrences in the last 5 minutes: 4',
        'Escalated: critical and repeated 10 times in 5 minutes',
        '',
        'Recovery: recovered by pool_increase',
        '- retry: failed — still failing after 3 tries',
        '- circuit_breaker: skipped',
        '- pool_increase: success — pool 10 → 20',
        '',
        'Breaker: orders-db',
        '',
        'Details: https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['not recovered', { attempted: true, success: false, resolvedBy: null, actions: [] }, 'Recovery: not recovered'],
    ['not attempted', { attempted: false, success: false, resolvedBy: null, actions: [] }, 'Recovery: not attempted'],
  ])('reports a recovery that was %s', (_name, recovery, line) => {
    expect(alertText(fullAlert({ recovery })).split('\n')).toContain(line);
  });

  it('summarises suppressed occurrences', () => {
    const text = alertText(bareAlert({ suppressed: { count: 137, since: '2024-05-01T14:02:30.000Z' } }));
    expect(text.split('\n')).toContain('Suppressed: +137 more since 14:02 UTC');
  });

  it('lists the alerts folded into an e-mail digest', () => {
    const items = [
      { severity: 'high' as const, title: 'TimeoutError in payments', occurredAt: '2024-05-01T14:03:00.000Z' },
      { severity: 'medium' as const, title: 'line\r\nbreak', occurredAt: '2024-05-01T14:04:00.000Z' },
    ];
    const text = alertText(bareAlert({ kind: 'digest', folded: { count: 2, items } }));
    expect(text).toContain('Held back (2):\n- [HIGH] 14:03 UTC TimeoutError in payments\n- [MEDIUM] 14:04 UTC line break\n');
  });

  it('keeps data from forging lines: one-line fields stay one line', () => {
    const base = fullAlert();
    const alert = fullAlert({ error: { ...base.error!, route: '/x\r\nSeverity: LOW', type: 'T\nDetails: https://evil.test' }, facts: { 'a\nb': 'c\r\nd' } });
    const lines = alertText(alert).split('\n');
    expect(lines).toContain('Route: POST /x Severity: LOW');
    expect(lines).toContain('Type: T Details: https://evil.test');
    expect(lines).toContain('a b: c d');
    expect(lines.filter((l) => l.startsWith('Severity:'))).toEqual(['Severity: CRITICAL']);
    expect(lines.filter((l) => l.startsWith('Details:'))).toHaveLength(1);
  });

  it('caps the message at 2000 characters and leaves out what the alert lacks', () => {
    const base = fullAlert();
    const text = alertText(fullAlert({ error: { ...base.error!, message: 'm'.repeat(5000), detailUrl: null } }));
    expect(text).toContain(`${'m'.repeat(1999)}…\n`);
    expect(text).not.toContain('m'.repeat(2000));
    expect(text).not.toContain('Details:');
    expect(alertText(bareAlert())).toBe(
      '[HIGH] Circuit breaker orders-db opened\n\nSeverity: HIGH\nService: orders\nEnvironment: staging\nTime: 2024-05-01T09:05:00.000Z\n',
    );
  });
});
