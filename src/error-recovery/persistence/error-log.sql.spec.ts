import type { PendingErrorLog } from './error-log.record.js';
import { chunkByParameters, insertBatchStatement, MAX_PARAMETERS } from './error-log.sql.js';

const entry = (actions: number) =>
  ({
    log: { id: 'x', occurredAt: new Date(0), service: 's', environment: 'e', errorType: 'E', category: 'runtime', severity: 'low', httpStatus: 500, transient: false, message: 'm', stack: null, fingerprint: 'f', method: null, route: null, path: null, requestId: null, context: {}, resolved: false, resolvedAt: null, recoveryAttempted: true, recoverySuccess: false, recoveryStrategy: null },
    actions: Array.from({ length: actions }, () => ({ id: 'a', errorLogId: 'x', position: 0, strategy: 'retry', trigger: 'automatic', success: false, skipped: false, message: 'm', details: null, durationMs: 0, startedAt: new Date(0) })),
  }) as PendingErrorLog;

describe('chunkByParameters', () => {
  it('keeps every statement under the bind-parameter limit (PostgreSQL allows 65535)', () => {
    const batch = Array.from({ length: 1000 }, () => entry(5));
    const chunks = chunkByParameters(batch);
    expect(chunks.flat()).toHaveLength(1000);
    for (const chunk of chunks) expect(insertBatchStatement(chunk).params.length).toBeLessThanOrEqual(MAX_PARAMETERS);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('leaves a small batch whole', () => {
    expect(chunkByParameters([entry(1), entry(2)])).toHaveLength(1);
  });
});
