import { jest } from '@jest/globals';
import { ClassificationCaches, classifyDeferred } from '../classify/deferred-classification.js';
import { currentDirectory } from '../classify/error-classifier.js';
import { NO_REQUEST } from '../capture/request-snapshot.js';
import { resolveOptions } from '../error-recovery-options.js';
import type { RecoveryReport } from '../execute/recovery-report.js';
import type { ErrorLogStore } from './error-log-store.interface.js';
import type { PendingErrorLog } from './error-log.record.js';
import { completeRecord, draftErrorLog } from './error-log.draft.js';
import { ErrorLogWriter } from './error-log.writer.js';

const report: RecoveryReport = {
  attempted: true,
  success: false,
  resolvedBy: null,
  message: 'No recovery strategy could be applied',
  actions: [{ strategy: 'fallback', success: false, skipped: true, message: 'no fallback for token=abc', startedAt: 0, durationMs: 0 }],
};

function draft(error: unknown): PendingErrorLog {
  const classification = classifyDeferred(error, { environment: 'production' }, new ClassificationCaches(currentDirectory(), 10));
  return draftErrorLog({ id: 'e1', occurredAt: new Date(0), service: 's', environment: 'production', classification, request: NO_REQUEST, report, resolvedAt: null });
}

/** An error whose stack getter counts reads: V8 formats a stack on its first read, which costs. */
function countingError(message: string): { error: Error; reads: () => number } {
  const error = new Error(message);
  const stack = error.stack;
  let reads = 0;
  Object.defineProperty(error, 'stack', { get: () => (reads++, stack) });
  return { error, reads: () => reads };
}

/** Whether every field of the row is a plain value (no getter left to run). */
const plain = (entry: PendingErrorLog): boolean =>
  Object.values(Object.getOwnPropertyDescriptors(entry.log)).every((d) => 'value' in d) && 'value' in Object.getOwnPropertyDescriptor(entry, 'actions')!;

describe('draftErrorLog / completeRecord', () => {
  it('queues without scrubbing or fingerprinting (the raw stack is read once); completing does it, secrets scrubbed', () => {
    const { error, reads } = countingError('login failed password=hunter2');
    const entry = draft(error);
    expect(reads()).toBe(1);
    expect(plain(entry)).toBe(false);
    completeRecord(entry);
    expect(reads()).toBe(1);
    expect(plain(entry)).toBe(true);
    expect(entry.log.message).toBe('login failed password=[Filtered]');
    expect(entry.log.stack).toContain('password=[Filtered]');
    expect(entry.log.stack).not.toContain('hunter2');
    expect(entry.log.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(entry.actions).toEqual([expect.objectContaining({ errorLogId: 'e1', strategy: 'fallback', skipped: true, message: 'no fallback for token=[Filtered]', details: null })]);
  });

  it('is idempotent and keeps the same entry object (the writer queue holds it)', () => {
    const entry = draft(new Error('boom'));
    const log = completeRecord(entry).log;
    const ids = entry.actions.map((a) => a.id);
    expect(completeRecord(entry)).toBe(entry);
    expect(entry.log).toEqual(log);
    expect(entry.actions.map((a) => a.id)).toEqual(ids);
  });

  it('a field read before completion (an alert reads the fingerprint) is the value stored', () => {
    const entry = draft(new Error('boom 1'));
    const early = entry.log.fingerprint;
    const actionIds = entry.actions.map((a) => a.id);
    completeRecord(entry);
    expect(entry.log.fingerprint).toBe(early);
    expect(entry.actions.map((a) => a.id)).toEqual(actionIds);
  });
});

describe('ErrorLogWriter completes its batch before the insert', () => {
  afterEach(() => jest.useRealTimers());

  it('hands the store plain, scrubbed rows', async () => {
    jest.useFakeTimers({ now: 0 });
    const inserted: { plain: boolean; message: string }[] = [];
    const store = {
      connect: async () => undefined,
      insertBatch: async (batch: readonly PendingErrorLog[]) => void inserted.push(...batch.map((e) => ({ plain: plain(e), message: e.log.message }))),
      close: async () => undefined,
    };
    const writer = new ErrorLogWriter(store as unknown as ErrorLogStore, resolveOptions({ writer: { flushIntervalMs: 10 } }, {}));
    writer.enqueue(draft(new Error('token=abc')));
    await jest.advanceTimersByTimeAsync(10);
    expect(inserted).toEqual([{ plain: true, message: 'token=[Filtered]' }]);
  });
});
