import { bareAlert, fullAlert, XSS_SCRIPT } from './alert-fixtures.spec-helper.js';
import { alertJson } from './alert-json.js';

describe('alertJson', () => {
  it('maps a full alert to snake_case', () => {
    const digestOf = { count: 3, since: '2024-05-01T13:50:00.000Z', until: '2024-05-01T14:00:00.000Z' };
    const folded = { count: 1, items: [{ severity: 'low' as const, title: 't', occurredAt: '2024-05-01T14:00:00.000Z' }] };
    const alert = fullAlert({ escalation: 'repeated', suppressed: { count: 2, since: '2024-05-01T13:00:00.000Z' }, digestOf, folded });
    expect(alertJson(alert, 'delivery-1')).toEqual({
      id: 'delivery-1',
      alert_id: alert.id,
      kind: 'error',
      severity: 'critical',
      escalation: 'repeated',
      title: alert.title,
      subject: `[CRITICAL][ESCALATED] +3 more since 13:50 UTC: ${alert.title}`,
      occurred_at: '2024-05-01T14:02:09.000Z',
      service: 'orders',
      environment: 'production',
      error: {
        id: alert.error!.id,
        type: 'DatabaseError',
        message: 'connection pool exhausted\n  at Pool.acquire',
        http_status: 503,
        transient: true,
        fingerprint: 'fp-1234',
        method: 'POST',
        route: '/orders/:id',
        detail_url: alert.error!.detailUrl,
      },
      recovery: {
        attempted: true,
        success: true,
        resolved_by: 'pool_increase',
        actions: [
          { strategy: 'retry', success: false, skipped: false, message: 'still failing after 3 tries' },
          { strategy: 'circuit_breaker', success: false, skipped: true, message: '' },
          { strategy: 'pool_increase', success: true, skipped: false, message: 'pool 10 → 20' },
        ],
      },
      occurrences: { count: 4, window_minutes: 5 },
      suppressed: { count: 2, since: '2024-05-01T13:00:00.000Z' },
      digest_of: digestOf,
      folded: { count: 1, items: [{ severity: 'low', title: 't', occurred_at: '2024-05-01T14:00:00.000Z' }] },
      facts: { Breaker: 'orders-db' },
    });
  });

  it('leaves out the parts an alert does not have (escalation stays null)', () => {
    const json = alertJson(bareAlert(), 'd');
    expect(Object.keys(json).sort()).toEqual(
      ['alert_id', 'environment', 'escalation', 'id', 'kind', 'occurred_at', 'service', 'severity', 'subject', 'title'].sort(),
    );
    expect(json.escalation).toBeNull();
  });

  it('keeps raw values: JSON.stringify is the only escaping a JSON receiver needs', () => {
    const body = JSON.stringify(alertJson(bareAlert({ title: XSS_SCRIPT }), 'd'));
    expect((JSON.parse(body) as { title: string }).title).toBe(XSS_SCRIPT);
  });
});
