// Overhead benchmark of ErrorRecoveryModule: the same Nest app with and without the module.
//   npm run bench                       (builds, then runs this file; PGlite in memory)
//   DATABASE_URL=postgres://... npm run bench
// Env: BENCH_DURATION (s per measured run, default 10), BENCH_ROUNDS (default 3),
//      BENCH_WARMUP (s per app and route, default 2), BENCH_CONNECTIONS (default 50),
//      BENCH_QUIET_WAIT (s to wait for other processes to go quiet before each run, default 60; 0 = off),
//      BENCH_RETRIES (times a run disturbed by other processes is repeated, default 2; 0 = never),
//      BENCH_ALERTS=1 (the "with" app also alerts, by signed webhook to a receiver here on loopback).
// See docs/BENCHMARKS.md for what it measures and how to read it.
import { execFileSync, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const DURATION = num('BENCH_DURATION', 10);
const ROUNDS = Math.round(num('BENCH_ROUNDS', 3));
const WARMUP = num('BENCH_WARMUP', 2);
const CONNECTIONS = Math.round(num('BENCH_CONNECTIONS', 50));
const QUIET_WAIT = process.env.BENCH_QUIET_WAIT === '0' ? 0 : num('BENCH_QUIET_WAIT', 60);
const RETRIES = process.env.BENCH_RETRIES === '0' ? 0 : Math.round(num('BENCH_RETRIES', 2));
/** CPU of processes outside the benchmark (cores) above which a run counts as disturbed. */
const BUSY_OTHER = 0.25;
const DATABASE_URL = process.env.DATABASE_URL || undefined;
const ALERTS = process.env.BENCH_ALERTS === '1';
/** Alert webhook posts received (BENCH_ALERTS=1), by alert kind. */
const alertPosts = {};
const ADMIN = { authorization: 'Bearer bench-token' };
const READY_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 20_000;
const PAUSE_MS = 1000;
// Whole run: start-up, warm-up, measured runs (each with a generous margin), settle waits.
const DEADLINE_MS =
  READY_TIMEOUT_MS + 4 * (WARMUP + 15) * 1000 + ROUNDS * 4 * (DURATION + 15) * 1000 + ROUNDS * SETTLE_TIMEOUT_MS + ROUNDS * 4 * (RETRIES + 1) * (QUIET_WAIT + DURATION + 20) * 1000 + 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// ---------------------------------------------------------------- children
const logDir = mkdtempSync(path.join(os.tmpdir(), 'nest-error-recovery-bench-'));
const children = [];

function startApp(mode) {
  const logFile = path.join(logDir, `${mode}.stderr.log`);
  const errFd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [path.join(here, 'app.mjs'), '--mode', mode, '--port', '0'], {
    env: process.env,
    stdio: ['ignore', 'pipe', errFd],
  });
  closeSync(errFd);
  const app = { mode, child, logFile, port: 0, exited: false };
  children.push(app);
  child.on('exit', (code, signal) => {
    app.exited = true;
    app.exit = { code, signal };
  });
  app.ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${mode} app not READY after ${READY_TIMEOUT_MS} ms\n${tail(logFile)}`)), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /READY (\d+)/.exec(out);
      if (m && !app.port) {
        app.port = Number(m[1]);
        clearTimeout(timer);
        resolve(app);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${mode} app exited before READY (code ${code}, signal ${signal})\n${tail(logFile)}`));
    });
  });
  return app;
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

let cleaning;
function cleanup() {
  cleaning ??= Promise.all(
    children.map(
      (app) =>
        new Promise((resolve) => {
          if (app.exited || app.child.exitCode !== null) return resolve();
          const force = setTimeout(() => {
            try {
              app.child.kill('SIGKILL');
            } catch {
              // already gone
            }
          }, 5000);
          app.child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          try {
            app.child.kill('SIGTERM');
          } catch {
            clearTimeout(force);
            resolve();
          }
        }),
    ),
  );
  return cleaning;
}

async function fail(error, code = 1) {
  console.error(`\nbench failed: ${error instanceof Error ? error.stack : error}`);
  for (const app of children) console.error(`--- ${app.mode} app stderr (last lines, full log ${app.logFile}) ---\n${tail(app.logFile)}`);
  await cleanup();
  process.exit(code);
}

process.on('SIGINT', () => void fail(new Error('interrupted (SIGINT)'), 130));
process.on('SIGTERM', () => void fail(new Error('terminated (SIGTERM)'), 143));
setTimeout(() => void fail(new Error(`overall deadline of ${Math.round(DEADLINE_MS / 1000)} s exceeded`)), DEADLINE_MS).unref();

// ---------------------------------------------------------------- CPU accounting
// The machine may be shared (tests of others, PostgreSQL). Each run records how much CPU went to
// the benchmark itself (runner + both apps), to PostgreSQL processes, and to everything else.
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

/** Busy CPU seconds: whole machine, the benchmark's processes, PostgreSQL's processes. */
function cpuSnapshot() {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0) - v[3] - v[4]; // minus idle, iowait
  const own = process.cpuUsage();
  let ours = (own.user + own.system) / 1e6;
  for (const app of children) ours += (procTicks(app.child.pid)?.ticks ?? 0) / HZ;
  const postgres = new Map(); // pid -> CPU seconds; per pid, so that exiting backends do not count negative
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procTicks(name);
    if (p && (p.comm === 'postgres' || p.comm.startsWith('postgres:'))) postgres.set(name, p.ticks / HZ);
  }
  return { at: performance.now(), total: total / HZ, ours, postgres };
}

/** Average cores used between two snapshots. */
function cpuUse(a, b) {
  const wall = (b.at - a.at) / 1000;
  const ours = (b.ours - a.ours) / wall;
  let pg = 0;
  for (const [pid, t] of b.postgres) pg += t - (a.postgres.get(pid) ?? 0);
  const postgres = pg / wall;
  const total = (b.total - a.total) / wall;
  return { ours, postgres, other: Math.max(0, total - ours - postgres), total };
}

/** Waits (bounded) until processes outside the benchmark use less than BUSY_OTHER cores. */
async function waitQuiet() {
  if (!QUIET_WAIT) return { waited: 0, other: NaN };
  const start = Date.now();
  for (;;) {
    const a = cpuSnapshot();
    await sleep(1000);
    const use = cpuUse(a, cpuSnapshot());
    const waited = (Date.now() - start) / 1000;
    if (use.other < BUSY_OTHER || waited >= QUIET_WAIT) return { waited, other: use.other };
  }
}

// ---------------------------------------------------------------- HTTP helpers
async function getJson(app, route, timeoutMs = 10_000) {
  const res = await fetch(`http://127.0.0.1:${app.port}${route}`, { headers: ADMIN, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${route} on ${app.mode} app: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
const adminStats = (app) => getJson(app, '/api/errors/stats');
const storedTotal = async (app) => (await getJson(app, '/api/errors/summary?service=bench&hours=1', 30_000)).total_errors;

/** Waits until the writer has nothing queued and `captured` stopped moving (aborted in-flight requests). */
async function settle(app) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last = await adminStats(app);
  for (;;) {
    await sleep(200);
    const now = await adminStats(app);
    if (now.writer.queued === 0 && now.captured === last.captured) return { stats: now, settled: true };
    last = now;
    if (Date.now() > deadline) return { stats: now, settled: false };
  }
}

function cannon(app, route, seconds) {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`autocannon on ${app.mode}${route} did not finish`)), (seconds + 30) * 1000);
    autocannon(
      { url: `http://127.0.0.1:${app.port}${route}`, connections: CONNECTIONS, duration: seconds, pipelining: 1 },
      (error, result) => {
        clearTimeout(guard);
        if (error) reject(error);
        else resolve(result);
      },
    );
  });
}

/** Responses with an unexpected status plus transport problems. */
function anomalies(result, expectedStatus) {
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  const unexpected = Object.entries(codes)
    .filter(([code]) => Number(code) !== expectedStatus)
    .reduce((a, [, c]) => a + c, 0);
  return {
    expected: codes[expectedStatus] ?? 0,
    unexpected,
    codes,
    errors: result.errors,
    timeouts: result.timeouts,
    resets: result.resets,
    mismatches: result.mismatches,
  };
}

// ---------------------------------------------------------------- main
async function databaseLine() {
  if (!DATABASE_URL) return 'PGlite (embedded, in memory, inside the "with" app process)';
  const shown = DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  let version;
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      version = ' ' + (await client.query('SHOW server_version')).rows[0].server_version;
    } finally {
      await client.end();
    }
  } catch (error) {
    version = ` (version unknown: ${error.message})`;
  }
  return `PostgreSQL${version} at ${shown}`;
}

async function main() {
  const cpus = os.cpus();
  const dbLine = await databaseLine();
  console.log('nest-error-recovery overhead benchmark');
  console.log(`date:     ${new Date().toISOString()}`);
  console.log(`machine:  ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}`);
  console.log(`node:     ${process.version}, autocannon ${require('autocannon/package.json').version}, @nestjs/core ${require('@nestjs/core/package.json').version}`);
  console.log(`database: ${dbLine}`);
  console.log(`load:     ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} interleaved rounds, ${WARMUP} s warm-up per app and route`);
  console.log(`logs:     ${logDir} (apps' stderr; removed after a successful run)`);

  if (ALERTS) {
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const kind = (() => {
          try {
            return JSON.parse(body).kind;
          } catch {
            return 'unparsable';
          }
        })();
        alertPosts[kind] = (alertPosts[kind] ?? 0) + 1;
        res.end('ok');
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiver.unref();
    process.env.BENCH_ALERT_WEBHOOK = `http://127.0.0.1:${receiver.address().port}/alerts`;
    console.log(`alerts:   on, signed webhook to ${process.env.BENCH_ALERT_WEBHOOK}`);
  }
  const bare = startApp('bare');
  const withApp = startApp('with');
  await Promise.all([bare.ready, withApp.ready]);
  console.log(`apps:     bare pid ${bare.child.pid} port ${bare.port}; with pid ${withApp.child.pid} port ${withApp.port}`);

  // Warm-up: JIT, connection pool, PGlite/PostgreSQL caches.
  for (const app of [bare, withApp]) for (const route of ['/ok', '/boom']) await cannon(app, route, WARMUP);
  await settle(withApp);
  const rssAfterWarmup = { bare: rssMiB(bare.child.pid), with: rssMiB(withApp.child.pid) };
  const statsStart = await adminStats(withApp);

  const apps = { bare, with: withApp };
  const order = [
    ['/ok', 'bare'],
    ['/ok', 'with'],
    ['/boom', 'bare'],
    ['/boom', 'with'],
  ];
  const results = {}; // key "route app" -> kept runs [{ rps, p50, p99, max, a, cpu, disturbed }]
  const storage = []; // per boom-with run, discarded attempts included
  let discardedProblems = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    // ABBA: reverse the whole sequence every other round, so slow drift hits both apps alike.
    const seq = round % 2 === 1 ? order : [...order].reverse();
    for (const [route, name] of seq) {
      const app = apps[name];
      const isBoomWith = route === '/boom' && name === 'with';
      // A run disturbed by other processes is repeated (bounded); every attempt still counts for storage.
      for (let attempt = 0; ; attempt++) {
        if (app.exited) throw new Error(`${name} app died (${JSON.stringify(app.exit)})`);
        let before;
        if (isBoomWith) before = { total: await storedTotal(app), stats: await adminStats(app) };
        const quiet = await waitQuiet();
        const cpuBefore = cpuSnapshot();
        const r = await cannon(app, route, DURATION);
        const cpu = cpuUse(cpuBefore, cpuSnapshot());
        const disturbed = cpu.other >= BUSY_OTHER;
        const retry = disturbed && attempt < RETRIES;
        const a = anomalies(r, route === '/ok' ? 200 : 500);
        const bad = a.unexpected + a.errors + a.timeouts + a.resets + a.mismatches;
        if (retry) discardedProblems += bad;
        else (results[`${route} ${name}`] ??= []).push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, a, cpu, disturbed });
        let note = `  cpu: bench ${fmt(cpu.ours)} pg ${fmt(cpu.postgres)} other ${fmt(cpu.other)}${disturbed ? ' DISTURBED' : ''}`;
        if (quiet.waited >= 2) note += ` (waited ${fmt(quiet.waited, 0)} s for quiet)`;
        if (isBoomWith) {
          const settled = await settle(app);
          const total = await storedTotal(app);
          const rows = total - before.total;
          const captured = settled.stats.captured - before.stats.captured;
          storage.push({ round, served: a.expected, captured, rows, settled: settled.settled, stats: settled.stats });
          note += `  rows +${rows}, captured +${captured}${settled.settled ? '' : ' (writer did NOT settle)'}`;
        }
        if (bad) note += `  UNEXPECTED: ${JSON.stringify(a)}`;
        if (retry) note += '  -> discarded, repeating';
        console.log(
          `round ${round}  ${pad(route, 6)} ${pad(name, 5)} ${lpad(fmt(r.requests.average, 0), 7)} req/s  p50 ${lpad(r.latency.p50, 3)} ms  p99 ${lpad(r.latency.p99, 4)} ms  max ${lpad(r.latency.max, 5)} ms${note}`,
        );
        await sleep(PAUSE_MS);
        if (!retry) break;
      }
    }
  }

  const statsEnd = (await settle(withApp)).stats;
  const rssEnd = { bare: rssMiB(bare.child.pid), with: rssMiB(withApp.child.pid) };

  // ------------------------------------------------------------ report
  const agg = {};
  for (const [key, runs] of Object.entries(results)) {
    agg[key] = {
      rps: mean(runs.map((x) => x.rps)),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
      max: Math.max(...runs.map((x) => x.max)),
      served: runs.reduce((s, x) => s + x.a.expected, 0),
      unexpected: runs.reduce((s, x) => s + x.a.unexpected + x.a.errors + x.a.timeouts + x.a.resets + x.a.mismatches, 0),
      min: Math.min(...runs.map((x) => x.rps)),
      maxRps: Math.max(...runs.map((x) => x.rps)),
    };
  }
  console.log(`\nresults (req/s: mean of ${ROUNDS} rounds; p50/p99: median of rounds; max: worst round)`);
  console.log(`${pad('route', 6)} ${pad('app', 5)} ${lpad('req/s', 8)} ${lpad('rounds min-max', 15)} ${lpad('p50 ms', 7)} ${lpad('p99 ms', 7)} ${lpad('max ms', 7)} ${lpad('expected', 9)} ${lpad('other', 6)}  with/bare`);
  for (const route of ['/ok', '/boom']) {
    for (const name of ['bare', 'with']) {
      const x = agg[`${route} ${name}`];
      const ratio = name === 'with' ? fmt(x.rps / agg[`${route} bare`].rps, 3) : '';
      console.log(
        `${pad(route, 6)} ${pad(name, 5)} ${lpad(fmt(x.rps, 0), 8)} ${lpad(`${fmt(x.min, 0)}-${fmt(x.maxRps, 0)}`, 15)} ${lpad(x.p50, 7)} ${lpad(x.p99, 7)} ${lpad(x.max, 7)} ${lpad(x.served, 9)} ${lpad(x.unexpected, 6)}  ${ratio}`,
      );
    }
  }
  const okRatio = agg['/ok with'].rps / agg['/ok bare'].rps;
  const boomRatio = agg['/boom with'].rps / agg['/boom bare'].rps;
  const served = storage.reduce((s, x) => s + x.served, 0);
  const rows = storage.reduce((s, x) => s + x.rows, 0);
  const captured = storage.reduce((s, x) => s + x.captured, 0);
  const w = statsEnd.writer;
  const faults = Object.values(statsEnd.internal_faults).reduce((a, b) => a + b, 0);

  console.log(`\nstorage (measured /boom runs of the "with" app)`);
  console.log(`  500s served ${served}, captured ${captured}, rows stored ${rows}`);
  console.log(`  rows per /boom served ${fmt(rows / served, 4)}; rows per capture ${fmt(rows / captured, 4)}`);
  console.log(`  rows - served = ${rows - served} (requests in flight when a run stops are captured and stored but not counted by autocannon; at most ${CONNECTIONS} per run, ${CONNECTIONS * storage.length} here)`);
  console.log(`  writer at end: queued ${w.queued}, written ${w.written}, dropped ${JSON.stringify(w.dropped)}, failedFlushes ${w.failedFlushes}, connected ${w.connected}, lastError ${JSON.stringify(w.lastError)}`);
  const faultsAtStart = Object.values(statsStart.internal_faults).reduce((a, b) => a + b, 0);
  console.log(`  internal_faults ${JSON.stringify(statsEnd.internal_faults)} (since start-up; ${faults - faultsAtStart} during the measured runs)`);
  if (ALERTS) {
    const a = statsEnd.alerts ?? {};
    console.log(`  alerts: webhook posts by kind ${JSON.stringify(alertPosts)}; queue ${JSON.stringify(a.queue)}; worker sent ${a.worker?.sent}, failed ${a.worker?.failed}, digests ${a.worker?.digests}`);
  }
  console.log(`\nmemory (VmRSS, MiB): bare ${fmt(rssAfterWarmup.bare, 0)} after warm-up -> ${fmt(rssEnd.bare, 0)} at end; with ${fmt(rssAfterWarmup.with, 0)} -> ${fmt(rssEnd.with, 0)}`);

  const dropped = Object.values(w.dropped).reduce((a, b) => a + b, 0);
  // The two counters are read a moment apart while requests may still be in flight, so rows and
  // captures may differ by at most one request per connection; a loss would show as a drop or as
  // fewer rows than 500s served.
  const allStored =
    rows >= served && Math.abs(rows - captured) <= CONNECTIONS && dropped === 0 && storage.every((x) => x.settled);
  console.log(`\ntargets (reported, not asserted)`);
  console.log(`  /ok   with/bare ${fmt(okRatio, 3)}  target >= 0.97  ${okRatio >= 0.97 ? 'met' : 'NOT met'}`);
  console.log(`  /boom with/bare ${fmt(boomRatio, 3)}  target >= 0.85  ${boomRatio >= 0.85 ? 'met' : 'NOT met'}`);
  console.log(`  every error stored: ${allStored ? 'yes' : 'NO'}`);

  const disturbed = Object.values(results).flat().filter((x) => x.disturbed).length;
  if (disturbed) console.log(`\nWARNING: ${disturbed} of ${ROUNDS * 4} kept runs shared the CPU with other processes (>= ${BUSY_OTHER} cores outside the benchmark and PostgreSQL) even after ${RETRIES} repeats; the ratios are less reliable`);
  const problems = Object.values(agg).reduce((s, x) => s + x.unexpected, 0) + discardedProblems;
  if (problems) console.log(`\nWARNING: ${problems} unexpected responses or transport errors (see the round lines above)`);
  if (faults) console.log(`WARNING: the module counted ${faults} internal faults; see ${withApp.logFile}`);

  await cleanup();
  if (bare.exit?.code || withApp.exit?.code) console.log(`note: app exit codes bare ${JSON.stringify(bare.exit)}, with ${JSON.stringify(withApp.exit)}`);
  // The bare app logs a stack per error (Nest's default): hundreds of MB. Kept only when a run fails.
  rmSync(logDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => fail(error),
);
