import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WriterOptions } from '../error-recovery-options.interface.js';

/** The journal's settings after defaults: the directories to try, in order, and its bound. */
export interface ResolvedJournalOptions {
  /** The configured (or default) directory first, then the fallback in the OS temp directory. */
  dirs: string[];
  maxBytes: number;
}

/** Writer options after defaults. */
export type ResolvedWriterOptions = Required<Omit<WriterOptions, 'journal'>> & { journal: ResolvedJournalOptions | false };

/** A service name as one safe path segment. */
const segment = (service: string): string => service.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100) || 'app';

/** Defaults of the writer, defined once. */
export function resolveWriterOptions(writer: WriterOptions | undefined, service: string): ResolvedWriterOptions {
  const maxQueue = writer?.maxQueue ?? 10_000;
  const journal = writer?.journal;
  return {
    // A whole number ≥ 1: insertBatches steps through the rows by it (0 or less never advances).
    batchSize: Math.max(1, Math.floor(writer?.batchSize ?? 500)),
    concurrency: Math.max(1, Math.floor(writer?.concurrency ?? 2)),
    flushIntervalMs: writer?.flushIntervalMs ?? 25,
    maxQueue,
    spillAbove: Math.min(writer?.spillAbove ?? 5000, maxQueue),
    maxRetryDelayMs: writer?.maxRetryDelayMs ?? 5000,
    shutdownTimeoutMs: writer?.shutdownTimeoutMs ?? 5000,
    journal:
      journal === false
        ? false
        : {
            dirs: [
              resolve(journal?.dir ?? join('.error-recovery-journal', segment(service))),
              join(tmpdir(), 'nest-error-recovery-journal', segment(service)),
            ],
            maxBytes: journal?.maxBytes ?? 256 * 1024 * 1024,
          },
  };
}
