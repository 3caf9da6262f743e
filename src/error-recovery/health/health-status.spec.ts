import type { CircuitBreakerView } from '../state/circuit-breaker.registry.js';
import { healthReport, type RatedOutcome } from './health-status.js';

const ok = (name: string, extra: Partial<RatedOutcome> = {}): RatedOutcome => ({ name, ok: true, latencyMs: 3, at: 0, critical: false, ...extra });
const failed = (name: string, extra: Partial<RatedOutcome> = {}): RatedOutcome => ok(name, { ok: false, error: 'down', ...extra });
const breaker = (name: string, state: CircuitBreakerView['state']): CircuitBreakerView =>
  ({ name, state, consecutive_failures: 0, opened_at: state === 'open' ? '2026-01-01T00:00:00.000Z' : null, reopen_at: null }) as CircuitBreakerView;

describe('healthReport', () => {
  it.each<[string, RatedOutcome[], CircuitBreakerView[], string]>([
    ['all checks pass, no breaker', [ok('error_store', { critical: true }), ok('payments')], [], 'healthy'],
    ['a non-critical check fails', [ok('error_store', { critical: true }), failed('payments')], [], 'degraded'],
    ['a critical check fails', [failed('error_store', { critical: true }), ok('payments')], [], 'error'],
    ['a breaker of another route is open', [ok('error_store', { critical: true })], [breaker('GET /x', 'open')], 'degraded'],
    ['a closed breaker', [ok('error_store', { critical: true })], [breaker('GET /x', 'closed')], 'healthy'],
    ['critical failure and an open breaker', [failed('error_store', { critical: true })], [breaker('b', 'half_open')], 'error'],
  ])('%s', (_label, outcomes, breakers, status) => {
    expect(healthReport(outcomes, breakers, 0).status).toBe(status);
  });

  it('marks a passing service degraded while its breaker is not closed, and lists the breakers', () => {
    const report = healthReport([ok('payments', { breaker: 'payments-api' }), failed('mail')], [breaker('payments-api', 'half_open')], Date.parse('2026-12-03T10:00:00Z'));
    expect(report).toEqual({
      status: 'degraded',
      checked_at: '2026-12-03T10:00:00.000Z',
      services: {
        payments: { status: 'degraded', latency_ms: 3, checked_at: '1970-01-01T00:00:00.000Z', critical: false, breaker: 'payments-api' },
        mail: { status: 'error', latency_ms: 3, checked_at: '1970-01-01T00:00:00.000Z', critical: false, error: 'down' },
      },
      circuit_breakers: { 'payments-api': { state: 'half_open', consecutive_failures: 0, opened_at: null, reopen_at: null } },
    });
  });

  it('a breaker with no state counts as closed', () => {
    expect(healthReport([ok('payments', { breaker: 'never-failed' })], [], 0).services.payments.status).toBe('healthy');
  });

  it('keeps a check or breaker named __proto__ as an entry of its own', () => {
    const report = healthReport([ok('__proto__', { breaker: '__proto__' })], [breaker('__proto__', 'open')], 0);
    expect(Object.keys(report.services)).toEqual(['__proto__']);
    expect(Object.keys(report.circuit_breakers)).toEqual(['__proto__']);
    expect(report.services.__proto__).toMatchObject({ status: 'degraded' });
  });
});
