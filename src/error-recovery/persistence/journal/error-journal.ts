import { open, readFile, readdir, rename, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../common/error-text.js';
import type { PendingErrorLog } from '../error-log.record.js';
import type { ResolvedJournalOptions } from '../resolve-writer-options.js';
import { decodeRecords, encodeRecord } from './journal-codec.js';
import { fileName, newOwner, ownerIsGone, parseFileName, releaseOwner, type JournalOwner } from './journal-owner.js';
import { ensurePrivateDir, isOwnFile } from './private-dir.js';

/** A journal file is closed and a new one started at this size, so a replayed file can be deleted soon. */
export const SEGMENT_BYTES = 4 * 1024 * 1024;
/** Appends reach the file within this time (a `kill -9` loses at most what came in meanwhile), ms. */
export const JOURNAL_FLUSH_MS = 5;

/** Counters of the journal, part of the writer's stats. */
export interface JournalStats {
  /** Directory written to; null until the first spill. */
  dir: string | null;
  /** False when no directory could be written: the writer works without a journal. */
  available: boolean;
  bytes: number;
  /** Errors in the journal not yet stored. */
  records: number;
  /** Errors written to the journal since start. */
  spilled: number;
  /** Errors replayed from the journal into the store since start. */
  replayed: number;
  /** Files of processes that are gone, taken over to be replayed. */
  takenOver: number;
  /** Lines that could not be read back (a write cut short by a kill). */
  damaged: number;
  lastError: string | null;
}

/** What {@link ErrorJournal.append} did with an entry. */
export type AppendResult = 'journaled' | 'full' | 'unavailable';

/** What the journal asks of its writer. */
export interface JournalHooks {
  /** Completes entries right before they are written to disk (as before an insert); leaves out those that cannot be. */
  prepare(entries: PendingErrorLog[]): PendingErrorLog[];
  /** A write to disk failed: these entries are handed back (the journal is now unavailable). */
  writeFailed(entries: PendingErrorLog[], error: unknown): void;
}

interface Segment {
  path: string;
  records: number;
  bytes: number;
  /** No more appends go to it. */
  sealed: boolean;
  /** A file of a writer that is gone: what it holds was captured before anything of this writer. */
  takenOver?: boolean;
}

/**
 * A bounded append-only journal of captured errors on local disk, in files of at most
 * {@link SEGMENT_BYTES}. Appends are buffered and written together every {@link JOURNAL_FLUSH_MS};
 * records are read back in the order they were appended, and a file is deleted once every record
 * in it was stored. All file work runs one step at a time. Nothing here throws to its caller.
 */
export class ErrorJournal {
  private readonly owner: JournalOwner = newOwner();
  private readonly segments: Segment[] = [];
  private buffer: PendingErrorLog[] = [];
  /** Entries handed to {@link prepend} and not written yet: older than everything else waiting. */
  private front: PendingErrorLog[][] = [];
  /** Entries taken from the buffer and being written: still waiting, so still counted. */
  private writing = 0;
  private timer: NodeJS.Timeout | undefined;
  private handle: FileHandle | undefined;
  private dir: string | undefined;
  private broken = false;
  private ops: Promise<unknown> = Promise.resolve();
  private nextSegment = 0;
  /** The file being replayed, read whole: its records not stored yet. */
  private replaying: { segment: Segment; left: PendingErrorLog[] } | undefined;
  private counters = { spilled: 0, replayed: 0, takenOver: 0, damaged: 0 };
  private lastError: string | null = null;

  constructor(
    private readonly options: ResolvedJournalOptions,
    private readonly hooks: JournalHooks,
  ) {}

  /** Queues `entry` for the disk. Synchronous and cheap: the write happens within a few ms. */
  append(entry: PendingErrorLog): AppendResult {
    if (this.broken) return 'unavailable';
    if (this.bytes() >= this.options.maxBytes) return 'full';
    this.buffer.push(entry);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.serial(() => this.writeBuffer());
    }, JOURNAL_FLUSH_MS);
    this.timer.unref();
    return 'journaled';
  }

  /**
   * Queues `entries`, captured before every record the journal waits to replay (the writer's queue
   * when it follows newer errors already spilled), to be replayed before those records: they go to
   * a file of their own, placed ahead of the waiting files, also for a take-over after a crash.
   * Returns how many it took (all, or none when the journal is full or unavailable).
   */
  prepend(entries: readonly PendingErrorLog[]): number {
    if (entries.length === 0 || this.broken || this.bytes() >= this.options.maxBytes) return 0;
    if (this.records === 0) {
      for (const entry of entries) this.append(entry);
      return entries.length;
    }
    this.front.push([...entries]);
    void this.serial(() => this.writeFront());
    return entries.length;
  }

  /** Errors in the journal not yet stored (on disk or about to be written). */
  get records(): number {
    const done = this.replaying ? this.replaying.segment.records - this.replaying.left.length : 0;
    const front = this.front.reduce((n, f) => n + f.length, 0);
    return this.segments.reduce((n, s) => n + s.records, 0) - done + this.buffer.length + this.writing + front;
  }

  stats(): JournalStats {
    return { dir: this.dir ?? null, available: !this.broken, bytes: this.bytes(), records: this.records, ...this.counters, lastError: this.lastError };
  }

  /** Takes over the journal files of processes (or writers) that are gone, oldest first, to replay them. */
  takeOver(): Promise<void> {
    return this.serial(async () => {
      const found: (Segment & { mtimeMs: number })[] = [];
      for (const dir of this.options.dirs) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names) {
          const parsed = parseFileName(name);
          if (!parsed || !ownerIsGone(parsed.owner, this.owner)) continue;
          const path = join(dir, fileName(this.owner, `taken-${this.nextSegment++}-${parsed.segment}`));
          try {
            // Atomic: of two writers taking the same file, one rename succeeds, the other finds nothing.
            await rename(join(dir, name), path);
            // Checked on the file now under our name (a check before the rename could be raced).
            if (!(await isOwnFile(path))) {
              await rename(path, join(dir, name));
              continue;
            }
            const text = await readFile(path, 'utf8');
            const { records } = decodeRecords(text);
            found.push({ path, records: records.length, bytes: Buffer.byteLength(text), sealed: true, takenOver: true, mtimeMs: (await stat(path)).mtimeMs });
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.lastError = messageOf(error, 300);
          }
        }
      }
      found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
      this.segments.unshift(...found.map(({ mtimeMs: _, ...s }) => s));
      this.counters.takenOver += found.length;
    });
  }

  /** Up to `max` records to replay, oldest first, without consuming them: see {@link stored}. */
  next(max: number): Promise<PendingErrorLog[]> {
    return this.serial(async () => {
      await this.writeFront();
      if (!this.replaying && this.segments.length === 0 && this.buffer.length > 0) await this.writeBuffer();
      while (!this.replaying && this.segments.length > 0) {
        const segment = this.segments[0];
        if (!segment.sealed) await this.seal(segment);
        const { records, damaged } = decodeRecords(await readFile(segment.path, 'utf8').catch(() => ''));
        this.counters.damaged += damaged;
        // What the file really holds (a kill may have cut its last line).
        segment.records = records.length;
        if (records.length === 0) await this.remove(segment);
        else this.replaying = { segment, left: records };
      }
      return this.replaying ? this.replaying.left.slice(0, max) : [];
    });
  }

  /**
   * `entries` (returned by {@link next}) are in the store, or were refused by it for good: they are
   * not replayed again. A file is deleted once all its records are.
   */
  stored(entries: readonly PendingErrorLog[]): Promise<void> {
    return this.serial(async () => {
      const r = this.replaying;
      if (!r || entries.length === 0) return;
      const done = new Set(entries);
      const before = r.left.length;
      r.left = r.left.filter((e) => !done.has(e));
      this.counters.replayed += before - r.left.length;
      if (r.left.length > 0) return;
      this.replaying = undefined;
      await this.remove(r.segment);
    });
  }

  /** Writes what is buffered and closes the file; what is on disk stays for the next start. */
  close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.serial(async () => {
      await this.writeFront();
      await this.writeBuffer();
      await this.closeHandle();
      releaseOwner(this.owner);
    });
  }

  private bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  /** Runs file work one step at a time; a step that fails is recorded, never thrown. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.ops.then(work);
    this.ops = run.catch((error: unknown) => {
      this.lastError = messageOf(error, 300);
    });
    return run;
  }

  private async writeBuffer(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.buffer;
    if (entries.length === 0) return;
    this.buffer = [];
    this.writing = entries.length;
    try {
      // The hook leaves out (and counts) what cannot be made storable.
      const prepared = this.hooks.prepare(entries);
      const text = prepared.map(encodeRecord).join('');
      const segment = await this.activeSegment();
      await this.handle!.write(text);
      segment.bytes += Buffer.byteLength(text);
      segment.records += prepared.length;
      this.writing = 0;
      this.counters.spilled += prepared.length;
      if (segment.bytes >= SEGMENT_BYTES) await this.seal(segment);
    } catch (error) {
      this.writing = 0;
      this.broken = true;
      this.lastError = messageOf(error, 300);
      this.hooks.writeFailed(entries, error);
    }
  }

  /**
   * Writes what {@link prepend} took to a file of its own, ahead of this writer's files waiting to
   * be replayed (after the one being replayed now and those taken over), and dates it just before
   * the first of them: a take-over after a crash orders files by time.
   */
  private async writeFront(): Promise<void> {
    while (this.front.length > 0) {
      const entries = this.front[0];
      try {
        const prepared = this.hooks.prepare(entries);
        const text = prepared.map(encodeRecord).join('');
        // After the file being replayed and those of writers that are gone (captured earlier still).
        let at = 0;
        while (at < this.segments.length && (this.segments[at] === this.replaying?.segment || this.segments[at].takenOver)) at++;
        const first = this.segments.at(at);
        const firstTime = first ? (await stat(first.path).catch(() => undefined))?.mtimeMs : undefined;
        const dir = this.dir ?? (await this.activeSegment(), this.dir!);
        const path = join(dir, fileName(this.owner, `${Date.now()}-${String(this.nextSegment++).padStart(6, '0')}`));
        const handle = await open(path, 'wx', 0o600);
        try {
          await handle.write(text);
        } finally {
          await handle.close().catch(() => undefined);
        }
        if (firstTime !== undefined) await utimes(path, (firstTime - 1) / 1000, (firstTime - 1) / 1000);
        this.front.shift();
        const segment = { path, records: prepared.length, bytes: Buffer.byteLength(text), sealed: true };
        this.segments.splice(at, 0, segment);
        this.counters.spilled += prepared.length;
      } catch (error) {
        this.front.shift();
        this.broken = true;
        this.lastError = messageOf(error, 300);
        this.hooks.writeFailed(entries, error);
      }
    }
  }

  /** The file appends go to, opened (and its directory made) on first use. */
  private async activeSegment(): Promise<Segment> {
    const last = this.segments.at(-1);
    if (last && !last.sealed && this.handle) return last;
    const name = fileName(this.owner, `${Date.now()}-${String(this.nextSegment++).padStart(6, '0')}`);
    let lastError: unknown;
    for (const dir of this.dir ? [this.dir] : this.options.dirs) {
      try {
        // Owner-only: the rows hold request data (scrubbed, but still the app's business); a
        // directory of another user (one that got to the shared temp directory first) is skipped.
        await ensurePrivateDir(dir);
        this.handle = await open(join(dir, name), 'a', 0o600);
        this.dir = dir;
        const segment = { path: join(dir, name), records: 0, bytes: 0, sealed: false };
        this.segments.push(segment);
        return segment;
      } catch (error) {
        // A read-only directory, or one not fit for the journal: try the next one.
        lastError = error;
      }
    }
    throw lastError;
  }

  private async seal(segment: Segment): Promise<void> {
    segment.sealed = true;
    if (this.segments.at(-1) === segment) await this.closeHandle();
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private async remove(segment: Segment): Promise<void> {
    if (!segment.sealed) await this.seal(segment);
    this.segments.splice(this.segments.indexOf(segment), 1);
    await unlink(segment.path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.lastError = messageOf(error, 300);
    });
  }
}
