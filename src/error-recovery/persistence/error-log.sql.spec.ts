import type { PendingErrorLog } from './error-log.record.js';
import { appendRecoveryStatement, insertBatchStatement } from './error-log.sql.js';

const entry = (actions: number) =>
  ({
    log: { id: 'x', occurredAt: new Date(0), service: 's', environment: 'e', errorType: 'E', category: 'runtime', severity: 'low', httpStatus: 500, transient: false, message: 'm', stack: null, fingerprint: 'f', method: null, route: null, path: null, requestId: null, context: {}, resolved: false, resolvedAt: null, recoveryAttempted: true, recoverySuccess: false, recoveryStrategy: null },
    actions: Array.from({ length: actions }, () => ({ id: 'a', errorLogId: 'x', position: 0, strategy: 'retry', trigger: 'automatic', success: false, skipped: false, message: 'm', details: null, durationMs: 0, startedAt: new Date(0) })),
  }) as PendingErrorLog;

describe('insertBatchStatement', () => {
  it('binds one array per column whatever the batch size (PostgreSQL allows 65535 parameters)', () => {
    const big = insertBatchStatement(Array.from({ length: 5000 }, () => entry(5)));
    const small = insertBatchStatement([entry(1)]);
    expect(big.params).toHaveLength(24 + 11);
    expect(big.sql).toBe(small.sql);
    expect((big.params[0] as unknown[]).length).toBe(5000);
    expect((big.params[24] as unknown[]).length).toBe(25_000);
  });

  it('writes logs alone without the actions statement', () => {
    const { sql, params } = insertBatchStatement([entry(0), entry(0)]);
    expect(params).toHaveLength(24);
    expect(sql).not.toMatch(/recovery_actions/);
    expect(sql).toMatch(/ON CONFLICT \("id"\) DO NOTHING$/);
  });

  it('never throws on an invalid date (a custom strategy step without startedAt): it binds null, which the database refuses for that row alone', () => {
    const bad = entry(1);
    bad.actions[0].startedAt = new Date(Number.NaN);
    const { params } = insertBatchStatement([entry(1), bad]);
    expect((params[24 + 10] as unknown[])[1]).toBeNull();
    expect((params[24 + 10] as unknown[])[0]).toBe(new Date(0).toISOString());
  });
});

describe('appendRecoveryStatement', () => {
  it('numbers the action arrays after the update parameters', () => {
    const { sql, params } = appendRecoveryStatement('x', { success: true, strategy: 'retry', at: new Date(0) }, entry(2).actions);
    expect(params).toHaveLength(4 + 11);
    expect(sql).toContain('unnest($5::uuid[]');
  });
});
