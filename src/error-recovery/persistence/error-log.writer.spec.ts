import { jest } from '@jest/globals';
import { resolveOptions } from '../error-recovery-options.js';
import type { WriterOptions } from '../error-recovery-options.interface.js';
import type { ErrorLogStore } from './error-log-store.interface.js';
import type { ExecutedAction } from '../execute/recovery-report.js';
import type { PendingErrorLog, RecoveryActionRecord } from './error-log.record.js';
import { ErrorLogWriter } from './error-log.writer.js';

/** A store double that keeps rows by id (idempotent like the real one) and fails on demand. */
class MemoryStore implements Pick<ErrorLogStore, 'connect' | 'insertBatch' | 'appendRecovery' | 'close'> {
  readonly rows = new Map<string, PendingErrorLog>();
  /** Appended actions by action id (idempotent like ON CONFLICT DO NOTHING). */
  readonly appended = new Map<string, RecoveryActionRecord>();
  /** Every connection or write the store was asked for, failed or not. */
  attempts = 0;
  readonly batches: number[] = [];
  down = false;
  badIds = new Set<string>();
  async connect(): Promise<void> {
    this.attempts++;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async insertBatch(batch: readonly PendingErrorLog[]): Promise<void> {
    this.attempts++;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (batch.some((p) => this.badIds.has(p.log.id))) throw Object.assign(new Error('value too long'), { code: '22001' });
    this.batches.push(batch.length);
    batch.forEach((p) => this.rows.set(p.log.id, p));
  }
  async appendRecovery(id: string, _outcome: unknown, actions: readonly RecoveryActionRecord[]): Promise<void> {
    this.attempts++;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    // The foreign key: actions of an error that is not stored are refused.
    if (!this.rows.has(id)) throw Object.assign(new Error('violates foreign key constraint'), { code: '23503' });
    actions.forEach((a) => this.appended.set(a.id, a));
  }
  async close(): Promise<void> {}
}

const lateAction = (message: string): ExecutedAction => ({ strategy: 'pool_increase', success: true, skipped: false, message, startedAt: 0, durationMs: 1500 });

const entry = (id: string) => ({ log: { id }, actions: [] }) as unknown as PendingErrorLog;

function writer(store: MemoryStore, options: WriterOptions = {}): ErrorLogWriter {
  const resolved = resolveOptions({ writer: { flushIntervalMs: 10, batchSize: 3, concurrency: 1, maxRetryDelayMs: 1000, journal: false, ...options } }, {});
  return new ErrorLogWriter(store as unknown as ErrorLogStore, resolved);
}

describe('ErrorLogWriter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('writes off the request path, in batches of batchSize, after flushIntervalMs', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    ['a', 'b'].forEach((id) => w.enqueue(entry(id)));
    expect(store.rows.size).toBe(0);
    await jest.advanceTimersByTimeAsync(10);
    expect([...store.rows.keys()]).toEqual(['a', 'b']);
    ['c', 'd', 'e', 'f', 'g'].forEach((id) => w.enqueue(entry(id)));
    await jest.advanceTimersByTimeAsync(10);
    expect(store.batches).toEqual([2, 3, 2]);
    expect(w.stats()).toMatchObject({ queued: 0, written: 7 });
  });

  it('keeps rows through an outage and writes each exactly once when the store is back', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    store.down = true;
    ['a', 'b', 'c', 'd'].forEach((id) => w.enqueue(entry(id)));
    await jest.advanceTimersByTimeAsync(3000);
    expect(store.rows.size).toBe(0);
    expect(w.stats().queued).toBe(4);
    expect(w.stats().failedFlushes).toBeGreaterThanOrEqual(3);
    expect(w.stats().lastError).toMatch(/ECONNREFUSED/);
    store.down = false;
    await jest.advanceTimersByTimeAsync(1000); // at most one retry delay (maxRetryDelayMs)
    expect([...store.rows.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(w.stats()).toMatchObject({ queued: 0, written: 4, dropped: { queue_full: 0, rejected_by_database: 0, shutdown_timeout: 0 } });
  });

  it('backs off exponentially between failed flushes, up to maxRetryDelayMs', async () => {
    const store = new MemoryStore();
    const w = writer(store, { maxRetryDelayMs: 400 });
    store.down = true;
    w.enqueue(entry('a'));
    await jest.advanceTimersByTimeAsync(10); // first attempt
    const failures: number[] = [];
    for (let t = 0; t < 1500; t += 50) {
      await jest.advanceTimersByTimeAsync(50);
      failures.push(w.stats().failedFlushes);
    }
    // 50, 100, 200, 400, 400, 400 ms apart: about 6 attempts in 1.5 s, not 30.
    expect(failures.at(-1)).toBeGreaterThanOrEqual(5);
    expect(failures.at(-1)).toBeLessThanOrEqual(8);
  });

  it('keeps to the backoff while errors keep arriving at a refusing database (a full batch does not force a write)', async () => {
    const store = new MemoryStore();
    store.down = true;
    const w = writer(store, { batchSize: 3, maxRetryDelayMs: 1000, maxQueue: 10_000 });
    // 100 errors a second for 5 s, far more than batchSize.
    for (let i = 0; i < 500; i++) {
      w.enqueue(entry(`e${i}`));
      await jest.advanceTimersByTimeAsync(10);
    }
    // Backoff 50, 100, 200, 400, 800, 1000, 1000… ms: about 8 attempts (each a connect) in 5 s, not one per error.
    expect(store.attempts).toBeLessThanOrEqual(10);
    store.down = false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(store.rows.size).toBe(500);
  });

  it('isolates a row the database rejects, counts it, and writes the others', async () => {
    const store = new MemoryStore();
    store.badIds.add('bad');
    const w = writer(store);
    ['a', 'bad', 'c'].forEach((id) => w.enqueue(entry(id)));
    await jest.advanceTimersByTimeAsync(10);
    expect([...store.rows.keys()]).toEqual(['a', 'c']);
    expect(w.stats()).toMatchObject({ queued: 0, written: 2, dropped: { rejected_by_database: 1 } });
  });

  it('counts what it drops when the queue is full', async () => {
    const store = new MemoryStore();
    store.down = true;
    const w = writer(store, { maxQueue: 2 });
    expect(['a', 'b', 'c'].map((id) => w.enqueue(entry(id)))).toEqual([true, true, false]);
    expect(w.stats().dropped.queue_full).toBe(1);
  });

  it('drains the queue on shutdown', async () => {
    const store = new MemoryStore();
    const w = writer(store, { flushIntervalMs: 60_000, batchSize: 2 });
    ['a', 'b', 'c', 'd', 'e'].forEach((id) => w.enqueue(entry(id)));
    await w.flush();
    expect(store.rows.size).toBe(5);
  });

  it('gives up at the shutdown deadline and counts what was not stored', async () => {
    const store = new MemoryStore();
    store.down = true;
    const w = writer(store, { shutdownTimeoutMs: 500 });
    ['a', 'b'].forEach((id) => w.enqueue(entry(id)));
    const closing = (async () => {
      await w.flush();
      await w.finalDrain();
    })();
    await jest.advanceTimersByTimeAsync(1200);
    await closing;
    expect(w.stats()).toMatchObject({ queued: 0, dropped: { shutdown_timeout: 2 } });
  });

  it('keeps shutdown bounded when a write hangs on a stalled database', async () => {
    const store = new MemoryStore();
    store.insertBatch = () => new Promise<void>(() => undefined);
    const w = writer(store, { shutdownTimeoutMs: 500 });
    w.enqueue(entry('a'));
    let done = false;
    void (async () => {
      await w.flush();
      await w.finalDrain();
      done = true;
    })();
    await jest.advanceTimersByTimeAsync(1600);
    expect(done).toBe(true);
    expect(w.stats().dropped.shutdown_timeout).toBe(1);
  });

  it('writes errors queued between the two shutdown drains (requests still in flight)', async () => {
    const store = new MemoryStore();
    const w = writer(store, { flushIntervalMs: 60_000 });
    await w.flush();
    w.enqueue(entry('late'));
    await w.finalDrain();
    expect([...store.rows.keys()]).toEqual(['late']);
  });

  it('counts errors captured after the store was closed', async () => {
    const w = writer(new MemoryStore());
    await w.finalDrain();
    expect(w.enqueue(entry('too-late'))).toBe(false);
    expect(w.stats().dropped.after_close).toBe(1);
  });

  describe('late actions (a strategy that overran the recovery budget)', () => {
    it('appends them to their error once they settle, after the error row, exactly once', async () => {
      const store = new MemoryStore();
      const w = writer(store);
      let settle: (actions: ExecutedAction[]) => void = () => undefined;
      w.enqueue(entry('e1'));
      w.appendLate('e1', new Promise((resolve) => (settle = resolve)), 'automatic', 3);
      await jest.advanceTimersByTimeAsync(10);
      expect(store.rows.has('e1')).toBe(true);
      expect(store.appended.size).toBe(0);
      settle([lateAction('pool grown 2 -> 5')]);
      await jest.advanceTimersByTimeAsync(10);
      expect([...store.appended.values()].map((a) => [a.errorLogId, a.position, a.trigger, a.message])).toEqual([['e1', 3, 'automatic', 'pool grown 2 -> 5']]);
      expect(w.stats().queued).toBe(0);
    });

    it('keeps them through an outage, with their ids, so a re-sent group is stored once', async () => {
      const store = new MemoryStore();
      const w = writer(store);
      w.enqueue(entry('e1'));
      await jest.advanceTimersByTimeAsync(10);
      store.down = true;
      w.appendLate('e1', Promise.resolve([lateAction('breaker opened')]), 'automatic', 1);
      await jest.advanceTimersByTimeAsync(500);
      expect(w.stats().queued).toBe(1);
      store.down = false;
      await jest.advanceTimersByTimeAsync(1000);
      expect(store.appended.size).toBe(1);
      expect(w.stats().queued).toBe(0);
    });

    it('waits for them at shutdown', async () => {
      const store = new MemoryStore();
      const w = writer(store, { flushIntervalMs: 60_000 });
      w.enqueue(entry('e1'));
      w.appendLate('e1', new Promise((resolve) => setTimeout(() => resolve([lateAction('cache cleared')]), 300)), 'manual', 0);
      const closing = w.finalDrain();
      await jest.advanceTimersByTimeAsync(300);
      await closing;
      expect([...store.appended.values()].map((a) => a.message)).toEqual(['cache cleared']);
    });

    it('counts late actions that had not settled by the shutdown deadline once, as shutdown_timeout', async () => {
      const store = new MemoryStore();
      const w = writer(store, { shutdownTimeoutMs: 500 });
      w.enqueue(entry('e1'));
      w.appendLate('e1', new Promise((resolve) => setTimeout(() => resolve([lateAction('restarted')]), 2000)), 'automatic', 1);
      const closing = w.finalDrain();
      await jest.advanceTimersByTimeAsync(2500);
      await closing;
      expect(store.rows.has('e1')).toBe(true);
      expect(store.appended.size).toBe(0);
      expect(w.stats().dropped).toEqual({ queue_full: 0, journal_full: 0, rejected_by_database: 0, shutdown_timeout: 1, after_close: 0 });
    });

    it('counts a group whose error row is not stored as rejected, and goes on', async () => {
      const store = new MemoryStore();
      const w = writer(store);
      w.appendLate('never-stored', Promise.resolve([lateAction('x')]), 'automatic', 0);
      await jest.advanceTimersByTimeAsync(10);
      expect(w.stats()).toMatchObject({ queued: 0, dropped: { rejected_by_database: 1 } });
    });
  });
});
