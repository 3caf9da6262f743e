// The bench apps as child processes: spawned on a port chosen here (so start-up can be timed from
// the spawn to the first 200 on GET /ok), asked for their CPU time over IPC, stopped by SIGTERM
// (SIGKILL after 5 s). Every child is tracked; cleanup() stops whatever is still running.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMiB, sleep } from './machine.mjs';
import { tail } from './log-tail.mjs';

const appFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'app.mjs');
const READY_TIMEOUT_MS = 60_000;
const USAGE_TIMEOUT_MS = 5000;
/** How often start-up polls GET /ok; the resolution of the start-up figure. */
const POLL_MS = 5;
const running = new Set();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET /ok; true on a 200, false when nothing answers yet. */
function answersOk(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ok', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * Starts `bench/app.mjs` (mode 'bare' | 'with', adapter 'express' | 'fastify') and resolves once it
 * answers GET /ok with 200. `startupMs`: from spawn to that first 200; `startRss`: RSS then (MiB).
 */
export async function startApp({ mode, adapter, logDir, nodeArgs = [] }) {
  const name = `${adapter}-${mode}`;
  const port = await freePort();
  const logFile = path.join(logDir, `${name}.stderr.log`);
  const errFd = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, appFile, '--mode', mode, '--adapter', adapter, '--port', String(port)], {
    env: process.env,
    stdio: ['ignore', 'ignore', errFd, 'ipc'],
  });
  closeSync(errFd);
  const app = { name, mode, adapter, port, child, pid: child.pid, logFile, exited: false, exit: undefined, pending: new Map(), seq: 0 };
  running.add(app);
  child.on('exit', (code, signal) => {
    app.exited = true;
    app.exit = { code, signal };
    running.delete(app);
    for (const { reject } of app.pending.values()) reject(new Error(`${name} app exited`));
  });
  child.on('message', (m) => {
    const waiter = app.pending.get(m?.id);
    if (!waiter) return;
    app.pending.delete(m.id);
    waiter.resolve(m);
  });
  for (;;) {
    if (app.exited) throw new Error(`${name} app exited before answering (${JSON.stringify(app.exit)})\n${tail(logFile)}`);
    if (await answersOk(port)) break;
    if (performance.now() - spawnedAt > READY_TIMEOUT_MS) throw new Error(`${name} app not answering after ${READY_TIMEOUT_MS} ms\n${tail(logFile)}`);
    await sleep(POLL_MS);
  }
  app.startupMs = performance.now() - spawnedAt;
  app.startRss = rssMiB(child.pid);
  return app;
}

/** The app's CPU time so far (µs, user + system, from process.cpuUsage in the app) and RSS. */
export function usage(app) {
  if (app.exited) return Promise.reject(new Error(`${app.name} app is not running`));
  const id = ++app.seq;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      app.pending.delete(id);
      reject(new Error(`${app.name} app did not answer the usage question within ${USAGE_TIMEOUT_MS} ms`));
    }, USAGE_TIMEOUT_MS);
    app.pending.set(id, {
      resolve: (m) => {
        clearTimeout(timer);
        resolve({ cpuMicros: m.cpuMicros, rss: m.rss });
      },
      reject: (e) => {
        clearTimeout(timer);
        reject(e);
      },
    });
    app.child.send({ type: 'usage', id });
  });
}

/** SIGTERM, SIGKILL after 5 s; resolves once the app has exited. */
export function stopApp(app) {
  return new Promise((resolve) => {
    if (app.exited) return resolve();
    const force = setTimeout(() => app.child.kill('SIGKILL'), 5000);
    app.child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    app.child.kill('SIGTERM');
  });
}

let cleaning;
/** Stops every app still running (once, however often it is called). */
export function cleanup() {
  cleaning ??= Promise.all([...running].map(stopApp));
  return cleaning;
}

/** Pids of the apps still running, for the CPU accounting. */
export const runningPids = () => [...running].map((a) => a.pid);
export const runningApps = () => [...running];
