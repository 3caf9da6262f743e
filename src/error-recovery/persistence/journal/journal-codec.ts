import type { PendingErrorLog } from '../error-log.record.js';

/** One journal record: a captured error and its actions, as one line of JSON. */
export function encodeRecord(entry: PendingErrorLog): string {
  return `${JSON.stringify(entry)}\n`;
}

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

/**
 * The records of a journal file's text, in order. A last line without its newline is a write cut
 * short (the process was killed mid-write): it was never a whole record, and is skipped; so is a
 * line that does not parse (counted in `damaged`).
 */
export function decodeRecords(text: string): { records: PendingErrorLog[]; damaged: number } {
  const records: PendingErrorLog[] = [];
  let damaged = 0;
  const end = text.lastIndexOf('\n');
  if (end < 0) return { records, damaged: text.length > 0 ? 1 : 0 };
  if (end < text.length - 1) damaged++;
  for (const line of text.slice(0, end).split('\n')) {
    if (line === '') continue;
    try {
      const raw = JSON.parse(line) as PendingErrorLog;
      raw.log.occurredAt = date(raw.log.occurredAt) as Date;
      raw.log.resolvedAt = date(raw.log.resolvedAt);
      for (const a of raw.actions) a.startedAt = date(a.startedAt) as Date;
      records.push(raw);
    } catch {
      damaged++;
    }
  }
  return { records, damaged };
}
