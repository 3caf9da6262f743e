// What ErrorRecoveryModule costs an app, on Express and on Fastify, measured side by side.
//   npm run bench                                   (builds, then runs this file; PGlite in memory)
//   DATABASE_URL=postgres://... npm run bench       (PostgreSQL, as in production)
//   npm run bench -- --quick                        (smoke run, under 2 minutes)
//   npm run bench -- --only fastify,boom            (some adapters and/or routes only)
//   BENCH_STORM_SECONDS=600 npm run bench -- --storm --adapter fastify   (sustained error storm)
// Flags and env: bench/lib/settings.mjs; what each figure means: docs/BENCHMARKS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup, runningApps, runningPids } from './lib/apps.mjs';
import { tail } from './lib/log-tail.mjs';
import { startAlertReceiver } from './lib/alert-receiver.mjs';
import { databaseLine } from './lib/database.mjs';
import { machineLines } from './lib/machine.mjs';
import { settings } from './lib/settings.mjs';
import { closeSql } from './lib/store-check.mjs';
import { overhead } from './overhead.mjs';
import { storm } from './storm.mjs';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'nest-error-recovery-bench-'));
const profileDir = path.join(logDir, 'cpu-profiles');
const log = (line) => console.log(line);

/** Generous bound on the whole run: every step with a wide margin; a hang ends the run, not the machine. */
function deadlineMs() {
  const s = settings;
  const apps = s.adapters.length * 2;
  const perRun = s.duration + 20 + (s.retries + 1) * (s.quietWait + s.duration + 20) + s.drainTimeout;
  const overheadMs = (apps * s.rounds * (60 + 10) + apps * s.routes.length * (s.warmup + 30) + s.rounds * apps * s.routes.length * perRun + 120) * 1000;
  const stormMs = s.adapters.length * (s.stormSeconds + s.stormDrainTimeout + 180) * 1000;
  return s.storm ? stormMs : overheadMs;
}

async function fail(error, code = 1) {
  console.error(`\nbench failed: ${error instanceof Error ? error.stack : error}`);
  for (const app of runningApps()) console.error(`--- ${app.name} app stderr (last lines, full log ${app.logFile}) ---\n${tail(app.logFile)}`);
  await cleanup();
  await closeSql().catch(() => undefined);
  console.error(`logs kept in ${logDir}`);
  process.exit(code);
}

process.on('SIGINT', () => void fail(new Error('interrupted (SIGINT)'), 130));
process.on('SIGTERM', () => void fail(new Error('terminated (SIGTERM)'), 143));
const deadline = deadlineMs();
setTimeout(() => void fail(new Error(`overall deadline of ${Math.round(deadline / 1000)} s exceeded`)), deadline).unref();

async function main() {
  log(`nest-error-recovery ${settings.storm ? 'sustained error storm' : 'overhead benchmark'}${settings.quick ? ' (--quick: smoke run, not a figure to record)' : ''}`);
  for (const line of machineLines()) log(line);
  log(`database: ${await databaseLine(settings.databaseUrl)}`);
  if (settings.storm) {
    log(`load:     ${settings.connections} connections on ${settings.stormRoute}, ${settings.stormSeconds} s per adapter (${settings.adapters.join(', ')}), progress every ${settings.stormEvery} s`);
  } else {
    log(`load:     ${settings.connections} connections, ${settings.duration} s per run, ${settings.rounds} interleaved round(s), ${settings.warmup} s warm-up per app and route`);
    log(`runs:     adapters ${settings.adapters.join(', ')}; routes ${settings.routes.join(', ')}; quiet wait ≤ ${settings.quietWait} s, ${settings.retries} repeat(s) of a disturbed run`);
  }
  log(`logs:     ${logDir} (apps' stderr; removed after a successful run${settings.cpuProf ? ', except the CPU profiles' : ''})`);
  if (settings.cpuProf) log(`profiles: ${profileDir} (node --cpu-prof of the with apps, written when they exit)`);
  const ctx = { log, logDir, profileDir, pids: runningPids, discarded: [], alertPosts: {} };
  if (settings.alerts) {
    const receiver = await startAlertReceiver();
    ctx.alertPosts = receiver.posts;
    log(`alerts:   on, signed webhook to ${receiver.url}`);
  }
  if (settings.storm) await storm(ctx);
  else await overhead(ctx);
  await cleanup();
  await closeSql();
  // The bare apps log a stack per error (Nest's default): hundreds of MB. Kept only when a run fails.
  if (!settings.cpuProf) rmSync(logDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => fail(error),
);
