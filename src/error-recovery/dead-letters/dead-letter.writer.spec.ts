import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { resolveOptions } from '../error-recovery-options.js';
import type { Clock } from '../resilience/clock.js';
import type { DeadLetterRecord, DeadLetterStore } from './dead-letter-store.interface.js';
import { DEAD_LETTER_ATTEMPTS, DeadLetterWriter } from './dead-letter.writer.js';

const letter = (id: string): DeadLetterRecord => ({
  id,
  createdAt: new Date('2026-12-03T10:00:00Z'),
  service: 'orders',
  contextType: 'rpc',
  operation: 'orders.created',
  payload: { id: 1 },
  attempts: 3,
  errorLogId: null,
  errorMessage: 'failed',
  replayedAt: null,
  handler: 'orders.created',
  maxAttempts: 3,
  status: 'exhausted',
  nextAttemptAt: null,
  updatedAt: new Date('2026-12-03T10:00:00Z'),
  leaseOwner: null,
  leaseExpiresAt: null,
});

/** A store whose first `failures` inserts fail (a database that is down for a while). */
function flakyStore(failures: number): DeadLetterStore & { rows: DeadLetterRecord[] } {
  let left = failures;
  const rows: DeadLetterRecord[] = [];
  return {
    rows,
    connect: async () => undefined,
    insert: async (l: DeadLetterRecord) => {
      if (left-- > 0) throw new Error('connection terminated unexpectedly');
      rows.push(l);
    },
    list: async () => ({ items: rows, total: rows.length, page: 1, limit: 50 }),
    close: async () => undefined,
  } as unknown as DeadLetterStore & { rows: DeadLetterRecord[] };
}

function writerWith(store: DeadLetterStore): { writer: DeadLetterWriter; slept: number[] } {
  const slept: number[] = [];
  const clock: Clock = { now: () => 0, sleep: async (ms) => void slept.push(ms) };
  return { writer: new DeadLetterWriter(store, resolveOptions({ clock, database: { dataDir: 'memory://', embedded: true } }, {})), slept };
}

describe('DeadLetterWriter', () => {
  let logged: jest.SpiedFunction<typeof Logger.prototype.error>;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('stores a dead letter through a transient database error, with backoff', async () => {
    const store = flakyStore(2);
    const { writer, slept } = writerWith(store);
    await writer.record(letter('a'));
    expect(store.rows.map((r) => r.id)).toEqual(['a']);
    expect(slept).toEqual([500, 1000]);
    expect(writer.stats()).toEqual({ written: 1, dropped: 0, pending: 0 });
    expect(logged).not.toHaveBeenCalled();
  });

  it('gives up after a bounded number of attempts: counted and logged, never thrown', async () => {
    const { writer, slept } = writerWith(flakyStore(Infinity));
    await expect(writer.record(letter('b'))).resolves.toBeUndefined();
    expect(slept).toEqual([500, 1000, 2000, 4000]);
    expect(writer.stats()).toEqual({ written: 0, dropped: 1, pending: 0 });
    expect(String(logged.mock.calls[0][0])).toContain(`dead letter b (rpc orders.created, error not captured) not stored after ${DEAD_LETTER_ATTEMPTS} attempts`);
  });

  it('once closed, does not try a failed insert again', async () => {
    const { writer, slept } = writerWith(flakyStore(1));
    writer.close();
    await writer.record(letter('c'));
    expect(slept).toEqual([]);
    expect(writer.stats().dropped).toBe(1);
  });

  it('once closed, does not open the connection again for a dead letter that comes too late: dropped and logged', async () => {
    const store = flakyStore(0);
    let connects = 0;
    store.connect = async () => void connects++;
    const { writer } = writerWith(store);
    writer.close();
    await writer.record(letter('late'));
    expect(connects).toBe(0);
    expect(store.rows).toEqual([]);
    expect(writer.stats()).toEqual({ written: 0, dropped: 1, pending: 0 });
    expect(String(logged.mock.calls[0][0])).toContain('dead letter late');
  });

  it('drain waits for the inserts in flight', async () => {
    let release: () => void = () => undefined;
    const store = flakyStore(0);
    const insert = store.insert;
    store.insert = (l) => new Promise<void>((resolve) => (release = resolve)).then(() => insert(l));
    const { writer } = writerWith(store);
    void writer.record(letter('d'));
    expect(await writer.drain(10)).toBe(false);
    release();
    expect(await writer.drain(1000)).toBe(true);
    expect(store.rows.map((r) => r.id)).toEqual(['d']);
  });
});
