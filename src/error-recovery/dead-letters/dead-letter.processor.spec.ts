import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { resolveOptions } from '../error-recovery-options.js';
import { ErrorRecoveryStats } from '../error-recovery.stats.js';
import { RecoveryEvents, type DeadLetterExhaustedEvent, type DeadLetterRecoveredEvent } from '../events/recovery-events.js';
import type { Clock } from '../resilience/clock.js';
import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';
import type { DeadLetterCounts, DeadLetterRecord, DeadLetterSettlement, DeadLetterStore, ReclaimResult } from './dead-letter-store.interface.js';
import { DeadLetterProcessor } from './dead-letter.processor.js';

const T0 = Date.parse('2026-12-03T10:00:00Z');

/** The table's rules, in memory: what the SQL of the default store does, one caller at a time. */
class MemoryStore {
  readonly rows = new Map<string, DeadLetterRecord>();
  down = false;

  async connect(): Promise<void> {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }
  async claimDue(service: string, handlers: readonly string[], owner: string, now: Date, leaseUntil: Date, limit: number): Promise<DeadLetterRecord[]> {
    const due = [...this.rows.values()].filter((r) => r.service === service && r.status === 'pending' && r.nextAttemptAt! <= now && handlers.includes(r.handler)).slice(0, limit);
    for (const r of due) Object.assign(r, { status: 'retrying', leaseOwner: owner, leaseExpiresAt: leaseUntil });
    return due.map((r) => ({ ...r }));
  }
  async settle(id: string, owner: string, outcome: DeadLetterSettlement): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r || r.status !== 'retrying' || r.leaseOwner !== owner) return false;
    r.attempts++;
    r.status = outcome.kind === 'failed' ? 'pending' : outcome.kind;
    if (outcome.kind !== 'succeeded') r.errorMessage = outcome.errorMessage;
    r.nextAttemptAt = outcome.kind === 'failed' ? outcome.nextAttemptAt : null;
    r.leaseOwner = null;
    return true;
  }
  async reclaimExpired(service: string, now: Date): Promise<ReclaimResult> {
    const result: ReclaimResult = { reclaimed: 0, exhausted: [] };
    for (const r of this.rows.values()) {
      if (r.service !== service || r.status !== 'retrying' || r.leaseExpiresAt! > now) continue;
      r.attempts++;
      r.leaseOwner = null;
      if (r.attempts >= r.maxAttempts) {
        r.status = 'exhausted';
        result.exhausted.push(r.id);
      } else {
        Object.assign(r, { status: 'pending', nextAttemptAt: now });
        result.reclaimed++;
      }
    }
    return result;
  }
  async findById(id: string): Promise<DeadLetterRecord | null> {
    return this.rows.get(id) ?? null;
  }
  async counts(service?: string): Promise<DeadLetterCounts> {
    const counts: DeadLetterCounts = { pending: 0, retrying: 0, succeeded: 0, exhausted: 0, discarded: 0 };
    for (const r of this.rows.values()) if (service === undefined || r.service === service) counts[r.status]++;
    return counts;
  }
}

function item(id: string, overrides: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    id,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    service: 'orders',
    contextType: 'job',
    operation: 'save_invoice',
    handler: 'save_invoice',
    payload: { id },
    attempts: 0,
    maxAttempts: 3,
    status: 'pending',
    nextAttemptAt: new Date(T0),
    errorLogId: null,
    errorMessage: '',
    replayedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    ...overrides,
  };
}

function setup(run: (payload: unknown) => unknown, sleep: Clock['sleep'] = () => new Promise<void>(() => undefined)) {
  let now = T0;
  const clock: Clock = { now: () => now, sleep };
  const options = resolveOptions({ service: 'orders', clock, deadLetters: { baseDelayMs: 1000, maxDelayMs: 60_000, alertThreshold: 2 }, database: { dataDir: 'memory://', embedded: true } }, {});
  const store = new MemoryStore();
  const handlers = new DeadLetterHandlers({} as never, {} as never);
  handlers.add({ name: 'save_invoice', keepFields: [], origin: 'Invoices.save', run });
  const events = new RecoveryEvents();
  const seen = { exhausted: [] as DeadLetterExhaustedEvent[], recovered: [] as DeadLetterRecoveredEvent[], high: [] as number[] };
  events.on('dead_letter.exhausted', (e) => seen.exhausted.push(e));
  events.on('dead_letter.recovered', (e) => seen.recovered.push(e));
  events.on('dead_letter.queue_high', (e) => seen.high.push(e.current));
  const processor = new DeadLetterProcessor(options, store as unknown as DeadLetterStore, handlers, events, new ErrorRecoveryStats());
  processor.random = () => 0.5;
  return { processor, store, seen, advance: (ms: number) => (now += ms) };
}

describe('DeadLetterProcessor', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs a due item and marks it succeeded', async () => {
    const runs: unknown[] = [];
    const { processor, store } = setup((p) => void runs.push(p));
    store.rows.set('a', item('a'));
    await processor.poll();
    expect(runs).toEqual([{ id: 'a' }]);
    expect(store.rows.get('a')).toMatchObject({ status: 'succeeded', attempts: 1, nextAttemptAt: null });
  });

  it('puts a failed item back with exponential backoff and full jitter, then exhausts it and tells', async () => {
    const { processor, store, seen, advance } = setup(() => {
      throw new Error('ledger down, password=hunter2');
    });
    store.rows.set('a', item('a'));
    await processor.poll();
    // After run 1: 1000 × 2^0, jitter 0.5 → 500 ms.
    expect(store.rows.get('a')).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: new Date(T0 + 500) });
    expect(store.rows.get('a')!.errorMessage).not.toContain('hunter2');
    await processor.poll();
    expect(store.rows.get('a')!.attempts).toBe(1);
    advance(500);
    await processor.poll();
    // After run 2: 1000 × 2^1 × 0.5.
    expect(store.rows.get('a')).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: new Date(T0 + 500 + 1000) });
    advance(1000);
    await processor.poll();
    expect(store.rows.get('a')).toMatchObject({ status: 'exhausted', attempts: 3, nextAttemptAt: null });
    expect(seen.exhausted).toEqual([expect.objectContaining({ id: 'a', operation: 'save_invoice', attempts: 3 })]);
  });

  it('recovers at its first poll: an expired lease back to pending (run now, the crashed run counted), one on its last attempt exhausted', async () => {
    const runs: unknown[] = [];
    const { processor, store, seen } = setup((p) => void runs.push(p));
    const expired = { status: 'retrying' as const, leaseOwner: 'dead:1', leaseExpiresAt: new Date(T0 - 1) };
    store.rows.set('a', item('a', { ...expired, attempts: 1 }));
    store.rows.set('b', item('b', { ...expired, attempts: 2 }));
    store.rows.set('c', item('c', { status: 'retrying', leaseOwner: 'alive:2', leaseExpiresAt: new Date(T0 + 60_000) }));
    await processor.poll();
    expect(seen.recovered).toEqual([{ reclaimed: 1, exhausted: 1, pending: 1 }]);
    expect(processor.lastRecovery()).toEqual({ reclaimed: 1, exhausted: 1, pending: 1 });
    expect(store.rows.get('a')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(store.rows.get('b')).toMatchObject({ status: 'exhausted', attempts: 3 });
    expect(store.rows.get('c')).toMatchObject({ status: 'retrying', leaseOwner: 'alive:2' });
    expect(runs).toEqual([{ id: 'a' }]);
    expect(seen.exhausted.map((e) => e.id)).toEqual(['b']);
  });

  it('never throws when the store is down at start-up, and recovers at a later poll', async () => {
    const { processor, store, seen } = setup(() => undefined);
    store.down = true;
    await expect(processor.poll()).resolves.toBe(false);
    expect(processor.lastRecovery()).toBeUndefined();
    store.down = false;
    await processor.poll();
    expect(seen.recovered).toHaveLength(1);
  });

  it('leaves a run that outlives half its lease claimed, and records its late outcome instead of running it again', async () => {
    let finish: () => void = () => undefined;
    let runs = 0;
    const { processor, store } = setup(
      () => {
        runs++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      () => Promise.resolve(),
    );
    store.rows.set('a', item('a'));
    await processor.poll();
    // Not given up while this process holds the lease: nobody else may run it yet.
    expect(store.rows.get('a')).toMatchObject({ status: 'retrying', attempts: 0, leaseExpiresAt: new Date(T0 + 300_000) });
    await processor.poll();
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.rows.get('a')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(runs).toBe(1);
  });

  it('a run that never ends is reclaimed once its lease ran out, the run counted', async () => {
    const { processor, store, advance } = setup(
      () => new Promise(() => undefined),
      () => Promise.resolve(),
    );
    store.rows.set('a', item('a'));
    await processor.poll();
    expect(store.rows.get('a')).toMatchObject({ status: 'retrying', attempts: 0 });
    advance(300_000);
    await processor.poll();
    expect(store.rows.get('a')).toMatchObject({ status: 'retrying', attempts: 1 });
  });

  it('a late run never settles the item its own process claimed again after the lease', async () => {
    const finish: (() => void)[] = [];
    const { processor, store, advance } = setup(
      () => new Promise<void>((resolve) => finish.push(resolve)),
      () => Promise.resolve(),
    );
    store.rows.set('a', item('a'));
    await processor.poll();
    advance(300_000);
    await processor.poll();
    expect(finish).toHaveLength(2);
    // The first run ends while the second holds the item: its outcome is not the item's.
    finish[0]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.rows.get('a')).toMatchObject({ status: 'retrying', attempts: 1 });
    finish[1]();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.rows.get('a')).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('a start-up recovery cut short after its reclaim still reports and tells what that reclaim did', async () => {
    const { processor, store, seen } = setup(() => new Promise(() => undefined));
    store.rows.set('b', item('b', { status: 'retrying', attempts: 2, leaseOwner: 'dead:1', leaseExpiresAt: new Date(T0 - 1) }));
    const counts = store.counts.bind(store);
    store.counts = () => Promise.reject(new Error('connection terminated'));
    await processor.poll();
    store.counts = counts;
    await processor.poll();
    expect(seen.recovered).toEqual([{ reclaimed: 0, exhausted: 1, pending: 0 }]);
    expect(seen.exhausted.map((e) => e.id)).toEqual(['b']);
  });

  it('tells once when waiting items reach the threshold, again only after they fell below', async () => {
    const { processor, store, seen } = setup(() => undefined);
    store.rows.set('x', item('x', { handler: 'other' }));
    store.rows.set('y', item('y', { handler: 'other' }));
    await processor.poll();
    await processor.poll();
    expect(seen.high).toEqual([2]);
    store.rows.get('x')!.status = 'discarded';
    await processor.poll();
    store.rows.get('x')!.status = 'pending';
    await processor.poll();
    expect(seen.high).toEqual([2, 2]);
  });
});
