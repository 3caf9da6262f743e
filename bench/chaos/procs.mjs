// Child processes of the chaos run: the downstream service and the fault proxy (forked, driven over
// IPC) and the apps under test (spawned, `READY <port>` on stdout). Every child is tracked and
// stopped by cleanup(): SIGTERM, then SIGKILL after 5 s. Children also exit on their own when the
// runner dies (IPC disconnect for forks, stdin closing for apps).
import { fork, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tail } from '../lib/log-tail.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const IPC_TIMEOUT_MS = 10_000;
const children = new Set();

function track(child, name, logFile) {
  const entry = { child, name, logFile, exited: false, exit: undefined };
  children.add(entry);
  child.on('exit', (code, signal) => {
    entry.exited = true;
    entry.exit = { code, signal };
  });
  return entry;
}

/** Forks a helper that talks over IPC and answers `{ type: 'ready', port }`. */
export async function forkHelper(file, args, logFile) {
  const errFd = openSync(logFile, 'a');
  const child = fork(path.join(here, file), args, { stdio: ['ignore', errFd, errFd, 'ipc'] });
  closeSync(errFd);
  const entry = track(child, file, logFile);
  let seq = 0;
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready after ${READY_TIMEOUT_MS} ms\n${tail(logFile)}`)), READY_TIMEOUT_MS);
    child.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited before ready (code ${code})\n${tail(logFile)}`));
    });
  });
  /** Sends `msg` and resolves with the answer carrying the same id. */
  const request = (msg) =>
    new Promise((resolve, reject) => {
      if (entry.exited) return reject(new Error(`${file} has exited (${JSON.stringify(entry.exit)})`));
      const id = ++seq;
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`${file} did not answer ${JSON.stringify(msg)} within ${IPC_TIMEOUT_MS} ms`));
      }, IPC_TIMEOUT_MS);
      const onMessage = (m) => {
        if (m?.id !== id) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (m.error) reject(new Error(`${file}: ${m.error}`));
        else resolve(m);
      };
      child.on('message', onMessage);
      child.send({ ...msg, id });
    });
  return { port, request, entry };
}

/** Spawns the app under test; resolves once it printed `READY <port>`. */
export async function startApp(args, logFile) {
  const errFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(here, 'app.mjs'), ...args, '--exit-with-stdin'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['pipe', 'pipe', errFd],
  });
  closeSync(errFd);
  const entry = track(child, 'app', logFile);
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`app not READY after ${READY_TIMEOUT_MS} ms\n${tail(logFile)}`)), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`app exited before READY (code ${code}, signal ${signal})\n${tail(logFile)}`));
    });
  });
  return { port, entry, stop: () => stop(entry) };
}

/** Stops one child: SIGTERM, SIGKILL after 5 s. */
export function stop(entry) {
  return new Promise((resolve) => {
    if (entry.exited || entry.child.exitCode !== null || entry.child.signalCode !== null) {
      children.delete(entry);
      return resolve();
    }
    const force = setTimeout(() => {
      try {
        entry.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    entry.child.once('exit', () => {
      clearTimeout(force);
      children.delete(entry);
      resolve();
    });
    try {
      entry.child.kill('SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

/** Stops every child still running. */
export function cleanup() {
  return Promise.all([...children].map(stop));
}

/** Synchronous last resort on process exit: SIGKILL whatever is left. */
export function killAllNow() {
  for (const entry of children) {
    try {
      if (!entry.exited) entry.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
