import { NOT_ATTEMPTED, type RecoveryReport } from '../execute/recovery-report.js';
import type { ErrorLogRecord, RecoveryActionRecord } from '../persistence/error-log.record.js';
import { detailUrl, errorAlert, repeatedErrorAlert, type AlertLinks } from './error-alert.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ERROR_ID = 'e0000000-0000-4000-8000-000000000042';
const LINKS: AlertLinks = { baseUrl: 'https://ops.example.com', apiPath: 'api/errors' };

function record(overrides: Partial<ErrorLogRecord> = {}): ErrorLogRecord {
  return {
    id: ERROR_ID,
    occurredAt: new Date('2024-05-01T14:02:09.000Z'),
    service: 'orders',
    environment: 'production',
    errorType: 'DatabaseError',
    category: 'database',
    severity: 'critical',
    httpStatus: 503,
    transient: true,
    message: 'connection pool exhausted',
    stack: 'DatabaseError: connection pool exhausted\n    at Pool.acquire',
    fingerprint: 'fp-1234',
    contextType: 'http',
    operation: null,
    method: 'POST',
    route: '/orders/:id',
    path: '/orders/17',
    requestId: 'req-1',
    context: { body: { card: '[REDACTED]' } },
    resolved: false,
    resolvedAt: null,
    recoveryAttempted: true,
    recoverySuccess: true,
    recoveryStrategy: 'pool_increase',
    ...overrides,
  };
}

function action(position: number, strategy: string, success: boolean, skipped: boolean, message: string): RecoveryActionRecord {
  return {
    id: `act-${position}`,
    errorLogId: ERROR_ID,
    position,
    strategy,
    trigger: 'automatic',
    success,
    skipped,
    message,
    details: null,
    durationMs: 12,
    startedAt: new Date('2024-05-01T14:02:09.000Z'),
  };
}

const report = (overrides: Partial<RecoveryReport> = {}): RecoveryReport => ({
  attempted: true,
  success: true,
  resolvedBy: 'pool_increase',
  message: 'Recovered',
  actions: [],
  ...overrides,
});

describe('errorAlert', () => {
  it.each<[string, RecoveryReport, string]>([
    ['recovered by a strategy', report(), 'DatabaseError in orders: connection pool exhausted — recovered by pool_increase'],
    ['recovered, strategy unknown', report({ resolvedBy: null }), 'DatabaseError in orders: connection pool exhausted — recovered by recovery'],
    ['not recovered', report({ success: false, resolvedBy: null }), 'DatabaseError in orders: connection pool exhausted — not recovered'],
    ['recovery not attempted', NOT_ATTEMPTED, 'DatabaseError in orders: connection pool exhausted — recovery not attempted'],
  ])('titles an error %s', (_name, given, title) => {
    expect(errorAlert(record(), given, [], LINKS, null).title).toBe(title);
  });

  it('puts the message on one line in the title', () => {
    const alert = errorAlert(record({ message: 'pool exhausted\r\n  at Pool.acquire\u2028\tcaused by: timeout' }), NOT_ATTEMPTED, [], LINKS, null);
    expect(alert.title).toBe('DatabaseError in orders: pool exhausted at Pool.acquire caused by: timeout — recovery not attempted');
  });

  it('caps the message in the title at 120 characters, but keeps all of it in the error facts', () => {
    const message = 'x'.repeat(500);
    const alert = errorAlert(record({ message }), NOT_ATTEMPTED, [], LINKS, null);
    expect(alert.title).toBe(`DatabaseError in orders: ${'x'.repeat(119)}… — recovery not attempted`);
    expect(alert.error!.message).toBe(message);
  });

  it('carries the facts of the record, and its severity, time and origin', () => {
    const alert = errorAlert(record({ severity: 'high' }), report(), [], LINKS, 'why not');
    expect(alert.id).toMatch(UUID);
    expect(alert).toMatchObject({
      kind: 'error',
      severity: 'high',
      escalation: 'why not',
      occurredAt: '2024-05-01T14:02:09.000Z',
      service: 'orders',
      environment: 'production',
    });
    expect(alert.error).toEqual({
      id: ERROR_ID,
      type: 'DatabaseError',
      message: 'connection pool exhausted',
      httpStatus: 503,
      transient: true,
      fingerprint: 'fp-1234',
      method: 'POST',
      route: '/orders/:id',
      detailUrl: `https://ops.example.com/api/errors/${ERROR_ID}`,
    });
  });

  it('never carries the stack, path, request id or request context', () => {
    const json = JSON.stringify(errorAlert(record(), report(), [], LINKS, null));
    expect(json).not.toContain('Pool.acquire');
    expect(json).not.toContain('/orders/17');
    expect(json).not.toContain('req-1');
    expect(json).not.toContain('REDACTED');
  });

  it('gives every alert its own id', () => {
    expect(errorAlert(record(), report(), [], LINKS, null).id).not.toBe(errorAlert(record(), report(), [], LINKS, null).id);
  });

  it('reports the outcome and the given (stored, scrubbed) actions, not those of the report', () => {
    const raw = report({
      actions: [{ strategy: 'retry', success: false, skipped: false, message: 'password=hunter2 rejected', startedAt: 0, durationMs: 1 }],
    });
    const stored = [
      action(0, 'retry', false, false, 'password=[REDACTED] rejected'),
      action(1, 'circuit_breaker', false, true, 'breaker closed'),
      action(2, 'pool_increase', true, false, 'pool 10 → 20'),
    ];
    const alert = errorAlert(record(), raw, stored, LINKS, null);
    expect(alert.recovery).toEqual({
      attempted: true,
      success: true,
      resolvedBy: 'pool_increase',
      actions: [
        { strategy: 'retry', success: false, skipped: false, message: 'password=[REDACTED] rejected' },
        { strategy: 'circuit_breaker', success: false, skipped: true, message: 'breaker closed' },
        { strategy: 'pool_increase', success: true, skipped: false, message: 'pool 10 → 20' },
      ],
    });
    expect(JSON.stringify(alert)).not.toContain('hunter2');
  });

  it('puts each action message on one line of at most 300 characters', () => {
    const alert = errorAlert(record(), report(), [action(0, 'retry', false, false, `first\nsecond ${'y'.repeat(400)}`)], LINKS, null);
    const message = alert.recovery!.actions[0].message;
    expect(message).toHaveLength(300);
    expect(message.startsWith('first second yyy')).toBe(true);
    expect(message.endsWith('…')).toBe(true);
  });

  it('has no detail link without a base URL or without the admin API', () => {
    expect(errorAlert(record(), report(), [], { baseUrl: null, apiPath: 'api/errors' }, null).error!.detailUrl).toBeNull();
    expect(errorAlert(record(), report(), [], { baseUrl: 'https://ops.example.com', apiPath: null }, null).error!.detailUrl).toBeNull();
  });
});

describe('detailUrl', () => {
  it.each<[string | null, string | null, string | null]>([
    ['https://ops.example.com', 'api/errors', 'https://ops.example.com/api/errors/42'],
    ['https://ops.example.com', '/api/errors/', 'https://ops.example.com/api/errors/42'],
    ['https://ops.example.com/app', 'admin/errors', 'https://ops.example.com/app/admin/errors/42'],
    [null, 'api/errors', null],
    ['', 'api/errors', null],
    ['https://ops.example.com', null, null],
    ['https://ops.example.com', '', null],
  ])('base %j, path %j → %j', (baseUrl, apiPath, expected) => {
    expect(detailUrl({ baseUrl, apiPath }, '42')).toBe(expected);
  });
});

describe('repeatedErrorAlert', () => {
  const base = errorAlert(record({ message: 'pool exhausted\nat Pool.acquire' }), report({ success: false, resolvedBy: null }), [], LINKS, null);
  const repeated = repeatedErrorAlert(base, 12, 5);

  it('is a multiple_failures alert of its own, escalated with the count', () => {
    expect(repeated.id).toMatch(UUID);
    expect(repeated.id).not.toBe(base.id);
    expect(repeated).toMatchObject({
      kind: 'multiple_failures',
      escalation: 'occurred 12 times within 5 min',
      title: 'DatabaseError in orders occurred 12 times in 5 min: pool exhausted at Pool.acquire',
      occurrences: { count: 12, windowMinutes: 5 },
    });
  });

  it('keeps the severity, error and recovery of the base alert', () => {
    expect(repeated.severity).toBe(base.severity);
    expect(repeated.error).toEqual(base.error);
    expect(repeated.recovery).toEqual(base.recovery);
    expect(base.kind).toBe('error');
    expect(base.escalation).toBeNull();
  });

  it('caps the message in its title at 120 characters', () => {
    const long = repeatedErrorAlert(errorAlert(record({ message: 'z'.repeat(300) }), NOT_ATTEMPTED, [], LINKS, null), 10, 5);
    expect(long.title).toBe(`DatabaseError in orders occurred 10 times in 5 min: ${'z'.repeat(119)}…`);
  });
});
