import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PendingErrorLog } from '../error-log.record.js';
import type { ResolvedJournalOptions } from '../resolve-writer-options.js';
import { encodeRecord } from './journal-codec.js';
import { departingOwner, fileName } from './journal-owner.js';

/**
 * Writes one completed entry to a journal file of its own, synchronously: the one way to keep an
 * error recorded while the process is dying (an uncaught exception's monitor runs synchronously, and
 * the process exits right after it). The file belongs to no live writer, so the next start on this
 * host takes it over and replays it once, as it does with the journal of a killed process. The
 * directory is checked as the journal checks it (a real directory of this user). False when no
 * directory could take it.
 */
export function journalBeforeExit(options: ResolvedJournalOptions, entry: PendingErrorLog): boolean {
  const text = encodeRecord(entry);
  const name = fileName(departingOwner(), `${Date.now()}-exit`);
  for (const dir of options.dirs) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = lstatSync(dir);
      const me = process.getuid?.();
      if (!st.isDirectory() || (me !== undefined && st.uid !== me)) continue;
      writeFileSync(join(dir, name), text, { mode: 0o600, flag: 'wx' });
      return true;
    } catch {
      // A read-only directory: try the next one.
    }
  }
  return false;
}
