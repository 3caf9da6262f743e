import { jest } from '@jest/globals';
import type { ErrorPipeline } from './error-pipeline.js';
import type { SelfReplay } from './capture/self-replay.js';
import { resolveOptions } from './error-recovery-options.js';
import type { ErrorRecoveryStats } from './error-recovery.stats.js';
import type { RecoveryExecutor } from './execute/recovery-executor.js';
import type { RecoveryReport } from './execute/recovery-report.js';
import type { ErrorLogStore, RecoveryOutcomeUpdate } from './persistence/error-log-store.interface.js';
import type { RecoveryActionRecord } from './persistence/error-log.record.js';
import { ErrorLogWriter } from './persistence/error-log.writer.js';
import { RecoveryService } from './recovery.service.js';

const ID = '00000000-0000-4000-8000-000000000001';

/** A store holding one stored error; its writes fail while `down`. */
class OneRowStore {
  down = false;
  readonly actions = new Map<string, RecoveryActionRecord>();
  outcome: Omit<RecoveryOutcomeUpdate, 'at'> | undefined;
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async findById(id: string) {
    if (id !== ID) return undefined;
    return {
      id: ID, occurredAt: new Date(0), service: 'app', environment: 'test', errorType: 'DatabaseError', category: 'database', severity: 'critical',
      httpStatus: 503, transient: true, message: 'Connection terminated', stack: null, fingerprint: 'f', method: 'POST', route: '/orders', path: '/orders',
      requestId: null, context: {}, resolved: false, resolvedAt: null, recoveryAttempted: true, recoverySuccess: false, recoveryStrategy: null,
      actions: [...this.actions.values()],
    };
  }
  async appendRecovery(_id: string, outcome: RecoveryOutcomeUpdate, actions: readonly RecoveryActionRecord[]): Promise<void> {
    if (this.down) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    this.outcome = { success: (this.outcome?.success ?? false) || outcome.success, strategy: outcome.strategy ?? this.outcome?.strategy ?? null };
    for (const a of actions) this.actions.set(a.id, a);
  }
}

/** A manual run that restarted the DataSource (a real effect) and served the request. */
const restarted: RecoveryReport = {
  attempted: true,
  success: true,
  resolvedBy: 'service_restart',
  message: 'Recovery successful',
  actions: [{ strategy: 'service_restart', success: true, skipped: false, message: 'restarted DataSource default', startedAt: 0, durationMs: 40 }],
};

function service(store: OneRowStore): RecoveryService {
  const options = resolveOptions({ writer: { flushIntervalMs: 10, maxRetryDelayMs: 1000 } }, {});
  const writer = new ErrorLogWriter(store as unknown as ErrorLogStore, options);
  const executor = { run: async () => restarted } as unknown as RecoveryExecutor;
  const selfReplay = { forStored: () => ({ reason: 'only GET/HEAD requests are replayed' }) } as unknown as SelfReplay;
  return new RecoveryService({} as ErrorPipeline, executor, writer, {} as ErrorRecoveryStats, store as unknown as ErrorLogStore, options, selfReplay);
}

describe('RecoveryService.triggerManualRecovery', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('keeps the record of a manual run whose write failed: written later, once, with its success', async () => {
    const store = new OneRowStore();
    const recovery = service(store);
    store.down = true;
    await expect(recovery.triggerManualRecovery(ID)).resolves.toMatchObject({ success: true, error_id: ID });
    expect(store.actions.size).toBe(0);
    store.down = false;
    await jest.advanceTimersByTimeAsync(2000);
    expect([...store.actions.values()].map((a) => [a.strategy, a.trigger, a.success, a.message])).toEqual([
      ['service_restart', 'manual', true, 'restarted DataSource default'],
    ]);
    expect(store.outcome).toEqual({ success: true, strategy: 'service_restart' });
  });

  it('writes at once when the store takes it', async () => {
    const store = new OneRowStore();
    await service(store).triggerManualRecovery(ID);
    expect(store.actions.size).toBe(1);
    expect(store.outcome).toEqual({ success: true, strategy: 'service_restart' });
  });
});
