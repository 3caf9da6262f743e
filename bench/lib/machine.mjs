// The machine may be shared (tests of others, PostgreSQL). Each run records how much CPU went to
// the benchmark itself (runner + apps), to PostgreSQL processes, and to everything else, from /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { BUSY_OTHER } from './settings.mjs';

const require = createRequire(import.meta.url);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let HZ = 100;
try {
  HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim()) || 100;
} catch {
  // no getconf: keep the Linux default of 100
}

function procTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { comm, ticks: Number(f[11]) + Number(f[12]) }; // utime + stime
  } catch {
    return undefined;
  }
}

/** Resident memory of `pid`, MiB (NaN once it is gone). */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Busy CPU seconds: whole machine, the benchmark's processes (`pids` and this one), PostgreSQL's. */
export function cpuSnapshot(pids) {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0) - v[3] - v[4]; // minus idle, iowait
  const own = process.cpuUsage();
  let ours = (own.user + own.system) / 1e6;
  for (const pid of pids) ours += (procTicks(pid)?.ticks ?? 0) / HZ;
  const postgres = new Map(); // pid -> CPU seconds; per pid, so that exiting backends do not count negative
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procTicks(name);
    if (p && (p.comm === 'postgres' || p.comm.startsWith('postgres:'))) postgres.set(name, p.ticks / HZ);
  }
  return { at: performance.now(), total: total / HZ, ours, postgres };
}

/** Average cores used between two snapshots. */
export function cpuUse(a, b) {
  const wall = (b.at - a.at) / 1000;
  const ours = (b.ours - a.ours) / wall;
  let pg = 0;
  for (const [pid, t] of b.postgres) pg += t - (a.postgres.get(pid) ?? 0);
  const postgres = pg / wall;
  const total = (b.total - a.total) / wall;
  return { ours, postgres, other: Math.max(0, total - ours - postgres), total };
}

/** Waits (at most `maxSeconds`) until processes outside the benchmark use less than BUSY_OTHER cores. */
export async function waitQuiet(pids, maxSeconds) {
  if (!maxSeconds) return { waited: 0, other: NaN };
  const start = Date.now();
  for (;;) {
    const a = cpuSnapshot(pids);
    await sleep(1000);
    const use = cpuUse(a, cpuSnapshot(pids));
    const waited = (Date.now() - start) / 1000;
    if (use.other < BUSY_OTHER || waited >= maxSeconds) return { waited, other: use.other };
  }
}

/** The header of a run: what it ran on, so figures can be compared with the right ones. */
export function machineLines() {
  const cpus = os.cpus();
  return [
    `date:     ${new Date().toISOString()}`,
    `machine:  ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`,
    `node:     ${process.version}, autocannon ${require('autocannon/package.json').version}, @nestjs/core ${require('@nestjs/core/package.json').version}, ` +
      `@nestjs/platform-express ${require('@nestjs/platform-express/package.json').version}, @nestjs/platform-fastify ${require('@nestjs/platform-fastify/package.json').version}`,
  ];
}
