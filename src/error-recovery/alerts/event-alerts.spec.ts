import type { CircuitEvent } from '../events/recovery-events.js';
import type { Alert } from './alert.interface.js';
import { circuitAlert, initializationFailedAlert, rateLimitAlert, recoveryFailingAlert, type EventOrigin } from './event-alerts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOW = Date.parse('2024-05-01T14:02:09.000Z');
const ORIGIN: EventOrigin = { service: 'orders', environment: 'production', now: NOW };

const opened: CircuitEvent = {
  name: 'orders-db',
  from: 'closed',
  to: 'open',
  state: { kind: 'open', openedAt: NOW, reopenAt: NOW + 60_000, trips: 1 },
  reason: 'threshold',
};
const closed: CircuitEvent = {
  name: 'orders-db',
  from: 'half_open',
  to: 'closed',
  state: { kind: 'closed', consecutiveFailures: 0, buckets: [], trips: 1, closedAt: NOW },
  reason: 'probe_succeeded',
};

/** The parts every event alert shares. */
const origin = { occurredAt: '2024-05-01T14:02:09.000Z', service: 'orders', environment: 'production' };

describe('event alerts', () => {
  it.each<[string, Alert, Partial<Alert>]>([
    [
      'circuit breaker opened',
      circuitAlert(opened, ORIGIN),
      {
        kind: 'circuit_breaker_open',
        severity: 'high',
        escalation: 'circuit breaker opened',
        title: 'Circuit breaker opened in orders: orders-db',
        facts: { Breaker: 'orders-db', Reason: 'threshold', 'Probes from': '2024-05-01T14:03:09.000Z' },
      },
    ],
    [
      'circuit breaker closed',
      circuitAlert(closed, ORIGIN),
      {
        kind: 'circuit_breaker_closed',
        severity: 'high',
        escalation: 'circuit breaker closed again',
        title: 'Circuit breaker closed in orders: orders-db',
        facts: { Breaker: 'orders-db', Reason: 'probe_succeeded' },
      },
    ],
    [
      'recovery failing',
      recoveryFailingAlert('retry', 3, 'upstream 503', ORIGIN),
      {
        kind: 'recovery_failing',
        severity: 'high',
        escalation: 'retry failed 3 times in a row',
        title: 'Recovery failing in orders: retry failed 3 times in a row',
        facts: { Strategy: 'retry', 'Failures in a row': '3', 'Last failure': 'upstream 503' },
      },
    ],
    [
      'rate limit exceeded',
      rateLimitAlert('GET /orders (per client)', 1500, ORIGIN),
      {
        kind: 'rate_limit_exceeded',
        severity: 'medium',
        escalation: null,
        title: 'Rate limit exceeded in orders: GET /orders (per client)',
        facts: { Throttle: 'GET /orders (per client)', 'Retry after': '2 s' },
      },
    ],
    [
      'initialization failed',
      initializationFailedAlert('smtp', 'connect ECONNREFUSED 127.0.0.1:25', ORIGIN),
      {
        kind: 'initialization_failed',
        severity: 'critical',
        escalation: 'the module could not start fully',
        title: 'Initialization failed in orders: smtp unreachable',
        facts: { Component: 'smtp', Reason: 'connect ECONNREFUSED 127.0.0.1:25' },
      },
    ],
  ])('%s', (_name, alert, expected) => {
    expect(alert).toEqual({ id: expect.stringMatching(UUID), ...origin, ...expected });
  });

  it('gives every alert its own id', () => {
    expect(circuitAlert(opened, ORIGIN).id).not.toBe(circuitAlert(opened, ORIGIN).id);
  });

  describe('circuitAlert', () => {
    it('puts a hostile breaker name on one line of at most 200 characters', () => {
      const alert = circuitAlert({ ...opened, name: `db\r\nBcc: evil@x.test ${'n'.repeat(300)}` }, ORIGIN);
      const name = alert.facts!.Breaker;
      expect(name).toHaveLength(200);
      expect(name).not.toMatch(/[\r\n]/);
      expect(name.startsWith('db Bcc: evil@x.test n')).toBe(true);
      expect(alert.title).toBe(`Circuit breaker opened in orders: ${name}`);
    });

    it('leaves "Probes from" empty when the state it opened to has no reopen time', () => {
      const odd: CircuitEvent = { ...opened, state: { kind: 'half_open', openedAt: NOW, trips: 1, probes: [], probeSuccesses: 0, admitted: 0 } };
      expect(circuitAlert(odd, ORIGIN).facts!['Probes from']).toBe('');
    });
  });

  describe('rateLimitAlert', () => {
    it.each<[number, string]>([
      [0, '0 s'],
      [1, '1 s'],
      [1000, '1 s'],
      [1001, '2 s'],
      [60_000, '60 s'],
    ])('rounds %d ms up to "%s"', (ms, shown) => {
      expect(rateLimitAlert('GET /x', ms, ORIGIN).facts!['Retry after']).toBe(shown);
    });

    it('puts the throttle key on one line', () => {
      expect(rateLimitAlert('GET /x\n\tinjected', 1000, ORIGIN).facts!.Throttle).toBe('GET /x injected');
    });
  });

  it.each<[string, Alert, string, number]>([
    ['the last failure of a failing strategy', recoveryFailingAlert('retry', 4, `a\nb${'c'.repeat(400)}`, ORIGIN), 'Last failure', 300],
    ['the reason of a failed start', initializationFailedAlert('error_store', `ECONNREFUSED\n${'r'.repeat(400)}`, ORIGIN), 'Reason', 300],
  ])('caps %s to one line of 300 characters', (_name, alert, fact, max) => {
    const value = alert.facts![fact];
    expect(value).toHaveLength(max);
    expect(value).not.toContain('\n');
    expect(value.endsWith('…')).toBe(true);
  });
});

describe('secrets in an initialization failure', () => {
  it('are scrubbed from the reason, as in everything stored', () => {
    const alert = initializationFailedAlert('error_store', 'could not connect to postgres://admin:s3cret@db:5432/app', ORIGIN);
    expect(alert.facts?.Reason).toBe('could not connect to postgres://admin:[Filtered]@db:5432/app');
  });
});
