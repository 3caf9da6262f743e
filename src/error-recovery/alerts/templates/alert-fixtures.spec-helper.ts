import type { Alert } from '../alert.interface.js';

/** Payloads that must arrive escaped (HTML, Slack, Telegram) or single-lined (headers). */
export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_IMG = '"><img src=x onerror=alert(1)>';
export const CRLF_TITLE = 'boom\r\nBcc: evil@x.test';

/** A complete alert: an unrecovered critical error with every optional part set. */
export function fullAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    kind: 'error',
    severity: 'critical',
    escalation: null,
    title: 'DatabaseError in orders: connection pool exhausted — recovered by pool_increase',
    occurredAt: '2024-05-01T14:02:09.000Z',
    service: 'orders',
    environment: 'production',
    error: {
      id: 'e0000000-0000-4000-8000-000000000042',
      type: 'DatabaseError',
      message: 'connection pool exhausted\n  at Pool.acquire',
      httpStatus: 503,
      transient: true,
      fingerprint: 'fp-1234',
      method: 'POST',
      route: '/orders/:id',
      detailUrl: 'https://ops.example.com/api/errors/e0000000-0000-4000-8000-000000000042',
    },
    recovery: {
      attempted: true,
      success: true,
      resolvedBy: 'pool_increase',
      actions: [
        { strategy: 'retry', success: false, skipped: false, message: 'still failing after 3 tries' },
        { strategy: 'circuit_breaker', success: false, skipped: true, message: '' },
        { strategy: 'pool_increase', success: true, skipped: false, message: 'pool 10 → 20' },
      ],
    },
    occurrences: { count: 4, windowMinutes: 5 },
    facts: { Breaker: 'orders-db' },
    ...overrides,
  };
}

/** The smallest valid alert: no error, recovery or counts. */
export function bareAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000002',
    kind: 'circuit_breaker_open',
    severity: 'high',
    escalation: null,
    title: 'Circuit breaker orders-db opened',
    occurredAt: '2024-05-01T09:05:00.000Z',
    service: 'orders',
    environment: 'staging',
    ...overrides,
  };
}

/** The alert with the XSS payloads in message, route, title, facts and an action message. */
export function hostileAlert(): Alert {
  const base = fullAlert();
  return {
    ...base,
    title: `${XSS_SCRIPT} in ${XSS_IMG}`,
    error: { ...base.error!, message: `${XSS_SCRIPT}\n${XSS_IMG}`, route: `/x/${XSS_IMG}`, type: XSS_SCRIPT },
    recovery: { ...base.recovery!, actions: [{ strategy: XSS_IMG, success: false, skipped: false, message: XSS_SCRIPT }] },
    facts: { [XSS_IMG]: XSS_SCRIPT },
  };
}
