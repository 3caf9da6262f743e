import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who owns a journal file, written into its name: `<host>~<pid>~<instance>~<segment>.jsonl`. A file
 * belongs to its owner while the owner lives; another writer takes it over (by an atomic rename to
 * its own name, so only one can) once the owner is gone. Writers of one process are told apart by
 * their instance id, and a process restarted with the same pid (pid 1 in a container) is not its
 * predecessor.
 */
export interface JournalOwner {
  host: string;
  pid: number;
  instance: string;
}

const SEPARATOR = '~';
/** Host names may hold almost anything; the name keeps a safe form of it. */
const safeHost = (h: string): string => h.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 100) || 'host';

/** Writers of this process that are alive (not closed): their files are never taken over. */
const liveInstances = new Set<string>();

/** A new owner for a writer of this process, registered as alive until {@link releaseOwner}. */
export function newOwner(): JournalOwner {
  const owner = { host: safeHost(hostname()), pid: process.pid, instance: randomUUID().slice(0, 8) };
  liveInstances.add(owner.instance);
  return owner;
}

/**
 * An owner no writer runs as, for a record written while the process dies: its file is taken over
 * by the next writer that starts on this host (this pid is gone by then, or is another process).
 */
export function departingOwner(): JournalOwner {
  return { host: safeHost(hostname()), pid: process.pid, instance: randomUUID().slice(0, 8) };
}

export function releaseOwner(owner: JournalOwner): void {
  liveInstances.delete(owner.instance);
}

export function fileName(owner: JournalOwner, segment: string): string {
  return [owner.host, owner.pid, owner.instance, `${segment}.jsonl`].join(SEPARATOR);
}

/** The owner and segment of a journal file name; undefined for any other file. */
export function parseFileName(name: string): { owner: JournalOwner; segment: string } | undefined {
  const parts = name.split(SEPARATOR);
  if (parts.length !== 4 || !parts[3].endsWith('.jsonl')) return undefined;
  const pid = Number(parts[1]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { owner: { host: parts[0], pid, instance: parts[2] }, segment: parts[3].slice(0, -'.jsonl'.length) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when a file of `owner` may be taken over from this process: its writer is gone. Only files
 * of this host are judged (a pid means nothing across hosts): a journal directory shared between
 * hosts is replayed by each host for its own processes.
 */
export function ownerIsGone(owner: JournalOwner, self: JournalOwner): boolean {
  if (owner.host !== self.host) return false;
  if (owner.pid === process.pid) return !liveInstances.has(owner.instance);
  return !processAlive(owner.pid);
}
