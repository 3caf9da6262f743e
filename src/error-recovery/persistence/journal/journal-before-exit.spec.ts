import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PendingErrorLog } from '../error-log.record.js';
import { journalBeforeExit } from './journal-before-exit.js';
import { decodeRecords } from './journal-codec.js';
import { newOwner, ownerIsGone, parseFileName, releaseOwner } from './journal-owner.js';

const entry = { log: { id: 'e1', occurredAt: new Date(0), resolvedAt: null }, actions: [] } as unknown as PendingErrorLog;

describe('journalBeforeExit', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'er-exit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the entry synchronously to a file of no live writer: the next writer to start takes it over', () => {
    expect(journalBeforeExit({ dirs: [join(dir, 'journal')], maxBytes: 1024 }, entry)).toBe(true);
    const [name] = readdirSync(join(dir, 'journal'));
    expect(decodeRecords(readFileSync(join(dir, 'journal', name), 'utf8')).records.map((r) => r.log.id)).toEqual(['e1']);
    const self = newOwner();
    expect(ownerIsGone(parseFileName(name)!.owner, self)).toBe(true);
    releaseOwner(self);
  });

  it('tries the next directory when one cannot take it, and answers false when none can', () => {
    journalBeforeExit({ dirs: [join(dir, 'ok')], maxBytes: 1024 }, entry);
    const notADir = join(dir, 'ok', readdirSync(join(dir, 'ok'))[0]);
    expect(journalBeforeExit({ dirs: [notADir, join(dir, 'second')], maxBytes: 1024 }, entry)).toBe(true);
    expect(readdirSync(join(dir, 'second'))).toHaveLength(1);
    expect(journalBeforeExit({ dirs: [notADir, join(notADir, 'below')], maxBytes: 1024 }, entry)).toBe(false);
  });
});
