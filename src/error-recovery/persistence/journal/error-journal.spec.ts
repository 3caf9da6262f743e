import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PendingErrorLog } from '../error-log.record.js';
import { ErrorJournal, type JournalHooks } from './error-journal.js';

const entry = (id: string): PendingErrorLog =>
  ({ log: { id, occurredAt: new Date(0), resolvedAt: null, context: { n: id } }, actions: [{ id: `a-${id}`, startedAt: new Date(5) }] }) as unknown as PendingErrorLog;
const ids = (entries: PendingErrorLog[]) => entries.map((e) => e.log.id);
const hooks = (failed: PendingErrorLog[] = []): JournalHooks => ({ prepare: (e) => e, writeFailed: (e) => failed.push(...e) });
/** A pid no process has now: a child that already exited. */
const deadPid = (): number => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
const safeHost = hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 100);

async function drainAll(journal: ErrorJournal): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const batch = await journal.next(3);
    if (batch.length === 0) return out;
    out.push(...ids(batch));
    await journal.stored(batch);
  }
}

describe('ErrorJournal', () => {
  let dir: string;
  const journals: ErrorJournal[] = [];
  const open = (options: { dirs?: string[]; maxBytes?: number } = {}, h = hooks()) => {
    const j = new ErrorJournal({ dirs: options.dirs ?? [dir], maxBytes: options.maxBytes ?? 1 << 20 }, h);
    journals.push(j);
    return j;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'er-journal-'));
  });
  afterEach(async () => {
    await Promise.all(journals.splice(0).map((j) => j.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives records back in the order they were appended, once, and deletes a file once stored', async () => {
    const j = open();
    for (const id of ['a', 'b', 'c', 'd']) expect(j.append(entry(id))).toBe('journaled');
    expect(j.records).toBe(4);
    const first = await j.next(3);
    expect(ids(first)).toEqual(['a', 'b', 'c']);
    // Not stored yet: asked again, the same records.
    expect(ids(await j.next(3))).toEqual(['a', 'b', 'c']);
    await j.stored(first.slice(0, 2));
    j.append(entry('e'));
    expect(await drainAll(j)).toEqual(['c', 'd', 'e']);
    expect(j.records).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(j.stats()).toMatchObject({ spilled: 5, replayed: 5, records: 0, bytes: 0 });
  });

  it('counts the records being written as waiting (a writer must not think it is done meanwhile)', async () => {
    const seen: number[] = [];
    const j = open({}, { prepare: (e) => (seen.push(j.records), e), writeFailed: () => undefined });
    j.append(entry('a'));
    await j.next(1);
    expect(seen).toEqual([1]);
    expect(j.records).toBe(1);
  });

  it('makes its files readable by their owner only', async () => {
    const j = open();
    j.append(entry('a'));
    await j.next(1);
    const [name] = readdirSync(dir);
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('replays what is prepended before the records waiting, in a file readable by its owner only', async () => {
    const j = open();
    ['c', 'd'].forEach((id) => j.append(entry(id)));
    await new Promise((r) => setTimeout(r, 20));
    expect(j.prepend([entry('a'), entry('b')])).toBe(2);
    expect(j.records).toBe(4);
    expect(ids(await j.next(4))).toEqual(['a', 'b']);
    await j.close();
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    const next = open();
    await next.takeOver();
    expect(await drainAll(next)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('puts what is prepended after the files taken over from a writer that is gone (captured earlier still)', async () => {
    const first = open();
    first.append(entry('old'));
    await first.close();
    const j = open();
    await j.takeOver();
    j.append(entry('d'));
    await new Promise((r) => setTimeout(r, 20));
    expect(j.prepend([entry('c')])).toBe(1);
    expect(await drainAll(j)).toEqual(['old', 'c', 'd']);
  });

  it('revives dates', async () => {
    const j = open();
    j.append(entry('a'));
    const [back] = await j.next(1);
    expect(back.log.occurredAt).toEqual(new Date(0));
    expect(back.actions[0].startedAt).toEqual(new Date(5));
  });

  it('refuses appends beyond maxBytes', async () => {
    const j = open({ maxBytes: 200 });
    j.append(entry('a'));
    j.append(entry('b'));
    await j.close();
    expect(j.stats().bytes).toBeGreaterThanOrEqual(200);
    expect(j.append(entry('c'))).toBe('full');
  });

  it('takes over the files of a dead process, skipping a last line cut short, and only once between two writers', async () => {
    const pid = deadPid();
    const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(entry(`x${from + i}`)) + '\n').join('');
    writeFileSync(join(dir, `${safeHost}~${pid}~deadbeef~100-000000.jsonl`), lines(0, 3));
    writeFileSync(join(dir, `${safeHost}~${pid}~deadbeef~100-000001.jsonl`), lines(3, 2) + '{"log":{"id":"tor');
    // Another host's file is not judged from here; nor is a file of a live process (this one's writers).
    writeFileSync(join(dir, `other-host~${pid}~deadbeef~1-0.jsonl`), lines(9, 1));
    const live = open();
    live.append(entry('live'));
    await live.next(1);
    const [one, two] = [open(), open()];
    await Promise.all([one.takeOver(), two.takeOver()]);
    const replayed = [...(await drainAll(one)), ...(await drainAll(two))];
    expect(replayed.sort()).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
    expect(one.stats().takenOver + two.stats().takenOver).toBe(2);
    expect(one.stats().damaged + two.stats().damaged).toBe(1);
    expect(readdirSync(dir).filter((n) => n.startsWith('other-host'))).toHaveLength(1);
    expect(ids(await live.next(1))).toEqual(['live']);
  });

  it('takes over the files of a closed writer of this process (a restart with the same pid)', async () => {
    const first = open();
    ['a', 'b'].forEach((id) => first.append(entry(id)));
    await first.close();
    const next = open();
    await next.takeOver();
    expect(await drainAll(next)).toEqual(['a', 'b']);
  });

  it('falls back to the next directory when the first cannot be written', async () => {
    const readOnly = join(dir, 'ro');
    writeFileSync(readOnly, 'a file where a directory should be');
    const fallback = join(dir, 'fallback');
    const j = open({ dirs: [join(readOnly, 'journal'), fallback] });
    j.append(entry('a'));
    expect(ids(await j.next(5))).toEqual(['a']);
    expect(j.stats().dir).toBe(fallback);
  });

  it('hands entries back and says unavailable when no directory can be written', async () => {
    const failed: PendingErrorLog[] = [];
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, '');
    chmodSync(blocked, 0o400);
    const j = open({ dirs: [join(blocked, 'a'), join(blocked, 'b')] }, hooks(failed));
    expect(j.append(entry('a'))).toBe('journaled');
    await j.close();
    expect(ids(failed)).toEqual(['a']);
    expect(j.append(entry('b'))).toBe('unavailable');
    expect(j.stats()).toMatchObject({ available: false, records: 0 });
  });

  it('prepares entries right before they are written', async () => {
    const j = open({}, { prepare: (e) => e.map((x) => ({ ...x, log: { ...x.log, message: 'scrubbed' } })), writeFailed: () => undefined });
    j.append(entry('a'));
    const [back] = await j.next(1);
    expect(back.log.message).toBe('scrubbed');
    appendFileSync(join(dir, 'unrelated.txt'), 'not a journal file');
  });
});

describe('ErrorJournal in a directory others can write to', () => {
  const runsAsRoot = process.getuid?.() === 0;
  let dir: string;
  const journals: ErrorJournal[] = [];
  const open = (dirs: string[]) => {
    const j = new ErrorJournal({ dirs, maxBytes: 1 << 20 }, hooks());
    journals.push(j);
    return j;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'er-journal-shared-'));
  });
  afterEach(async () => {
    await Promise.all(journals.splice(0).map((j) => j.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not replay a file planted by another user (it would forge rows in the store)', async () => {
    if (!runsAsRoot) return;
    const planted = join(dir, `${safeHost}~${deadPid()}~deadbeef~1-000000.jsonl`);
    writeFileSync(planted, JSON.stringify(entry('forged')) + '\n');
    chownSync(planted, 4242, 4242);
    const j = open([dir]);
    await j.takeOver();
    expect(await drainAll(j)).toEqual([]);
    expect(j.stats().takenOver).toBe(0);
  });

  it('makes an existing journal directory owner-only, and does not write into one owned by another user', async () => {
    const open777 = join(dir, 'shared');
    mkdirSync(open777, { mode: 0o777 });
    chmodSync(open777, 0o777);
    const j = open([open777]);
    j.append(entry('a'));
    expect(ids(await j.next(1))).toEqual(['a']);
    expect(statSync(open777).mode & 0o777).toBe(0o700);
    if (!runsAsRoot) return;
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign, { mode: 0o777 });
    chownSync(foreign, 4242, 4242);
    const fallback = join(dir, 'fallback');
    const k = open([foreign, fallback]);
    k.append(entry('b'));
    expect(ids(await k.next(1))).toEqual(['b']);
    expect(k.stats().dir).toBe(fallback);
    expect(readdirSync(foreign)).toEqual([]);
  });
});
