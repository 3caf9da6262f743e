// The side-by-side run: bare and with apps on each adapter, every route, interleaved rounds.
// Start-up (spawn → first 200), idle RSS after warm-up, then per run: req/s and latency
// (autocannon), CPU µs per answer (the app's process.cpuUsage), peak RSS, and for the with app the
// rows it stored for the run against the errors it answered. See docs/BENCHMARKS.md.
import { startApp, stopApp, usage } from './lib/apps.mjs';
import { cannon, outcome } from './lib/load.mjs';
import { cpuSnapshot, cpuUse, rssMiB, sleep, waitQuiet } from './lib/machine.mjs';
import { report } from './lib/report.mjs';
import { BUSY_OTHER, ROUTES, settings } from './lib/settings.mjs';
import { adminStats, droppedTotal, settle, storedSince } from './lib/store-check.mjs';

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const MODES = ['bare', 'with'];

/** Starts every app `rounds` times, alone and interleaved (ABBA); the last start of each is kept. */
async function startAll(specs, ctx) {
  const startups = new Map(specs.map((s) => [`${s.adapter}-${s.mode}`, { ms: [], rss: [] }]));
  const apps = new Map();
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 ? specs : [...specs].reverse();
    for (const spec of order) {
      await waitQuiet(ctx.pids(), Math.min(settings.quietWait, 10));
      const nodeArgs = settings.cpuProf && spec.mode === 'with' ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : [];
      const app = await startApp({ ...spec, logDir: ctx.logDir, nodeArgs });
      startups.get(app.name).ms.push(app.startupMs);
      startups.get(app.name).rss.push(app.startRss);
      if (round < settings.rounds) await stopApp(app);
      else apps.set(app.name, app);
    }
  }
  return { apps, startups };
}

/** One measured run of `app` on `routeName`; repeated (bounded) while other processes disturb it. */
async function measure(app, routeName, round, ctx) {
  const route = ROUTES[routeName];
  for (let attempt = 0; ; attempt++) {
    if (app.exited) throw new Error(`${app.name} app died (${JSON.stringify(app.exit)})`);
    const statsBefore = app.mode === 'with' ? await adminStats(app) : undefined;
    const storedBefore = app.mode === 'with' && !settings.databaseUrl ? await storedSince(app, 0, undefined) : undefined;
    const quiet = await waitQuiet(ctx.pids(), settings.quietWait);
    const cpuBefore = cpuSnapshot(ctx.pids());
    const usageBefore = await usage(app);
    const since = Date.now();
    const { result, peakRss } = await cannon(app, route, settings.duration, settings.connections);
    const cpu = cpuUse(cpuBefore, cpuSnapshot(ctx.pids()));
    const out = outcome(result, route.status);
    let storage;
    if (app.mode === 'with') {
      // CPU is read after the writer has stored the run's errors: writing them is part of their cost.
      const s = await settle(app, since, settings.databaseUrl, settings.drainTimeout);
      storage = {
        answered: out.serverErrors,
        captured: s.stats.captured - statsBefore.captured,
        rows: s.stored.rows - (storedBefore?.rows ?? 0),
        fingerprints: s.stored.fingerprints,
        dropped: droppedTotal(s.stats) - droppedTotal(statsBefore),
        settled: s.settled,
        writer: s.stats.writer,
      };
    }
    const usageAfter = await usage(app);
    const cpuMicros = (usageAfter.cpuMicros - usageBefore.cpuMicros) / Math.max(1, out.answered);
    const disturbed = cpu.other >= BUSY_OTHER;
    const retry = disturbed && attempt < settings.retries;
    const run = { round, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, cpuMicros, peakRss, out, storage, cpu, disturbed };
    ctx.log(runLine(app, routeName, run, quiet, retry));
    await sleep(500);
    if (!retry) return run;
    ctx.discarded.push(run);
  }
}

function runLine(app, routeName, run, quiet, retry) {
  let line = `round ${run.round}  ${routeName.padEnd(8)} ${app.name.padEnd(12)} ${fmt(run.rps).padStart(7)} req/s  p50 ${String(run.p50).padStart(3)} ms  p99 ${String(run.p99).padStart(4)} ms`;
  line += `  ${fmt(run.cpuMicros).padStart(5)} µs/req  rss≤${fmt(run.peakRss)} MiB  cpu: bench ${fmt(run.cpu.ours, 2)} pg ${fmt(run.cpu.postgres, 2)} other ${fmt(run.cpu.other, 2)}`;
  if (run.disturbed) line += ' DISTURBED';
  if (quiet.waited >= 2) line += ` (waited ${fmt(quiet.waited)} s for quiet)`;
  const s = run.storage;
  if (s) {
    line += `  5xx ${s.answered} captured ${s.captured} rows ${s.rows}`;
    if (s.fingerprints !== undefined && ROUTES[routeName].stored) line += ` (${s.fingerprints} fp)`;
    if (s.dropped) line += ` DROPPED ${s.dropped}`;
    if (!s.settled) line += ' (writer did NOT settle)';
  }
  if (run.out.unexpected || run.out.transport) line += `  UNEXPECTED: ${JSON.stringify({ codes: run.out.codes, ...run.out.detail })}`;
  if (retry) line += '  -> discarded, repeating';
  return line;
}

export async function overhead(ctx) {
  const specs = settings.adapters.flatMap((adapter) => MODES.map((mode) => ({ adapter, mode })));
  ctx.log(`start-up: ${settings.rounds} start(s) of each app, alone, interleaved`);
  const { apps, startups } = await startAll(specs, ctx);
  ctx.log(`apps:     ${[...apps.values()].map((a) => `${a.name} pid ${a.pid} port ${a.port}`).join('; ')}`);

  // Warm-up: JIT, connection pools, database caches. Then the writers drain and the apps go idle.
  for (const app of apps.values()) for (const r of settings.routes) await cannon(app, ROUTES[r], settings.warmup, settings.connections);
  for (const app of apps.values()) if (app.mode === 'with') await settle(app, 0, settings.databaseUrl, settings.drainTimeout);
  await sleep(settings.idleWait * 1000);
  const idleRss = new Map([...apps].map(([name, app]) => [name, rssMiB(app.pid)]));
  const faultsBefore = new Map();
  for (const app of apps.values()) if (app.mode === 'with') faultsBefore.set(app.name, (await adminStats(app)).internal_faults);

  const order = settings.routes.flatMap((route) => settings.adapters.flatMap((adapter) => MODES.map((mode) => [route, `${adapter}-${mode}`])));
  const runs = new Map(); // "route app" -> kept runs
  for (let round = 1; round <= settings.rounds; round++) {
    // ABBA: the whole sequence reversed every other round, so slow drift hits both apps alike.
    for (const [route, name] of round % 2 ? order : [...order].reverse()) {
      const run = await measure(apps.get(name), route, round, ctx);
      if (!runs.has(`${route} ${name}`)) runs.set(`${route} ${name}`, []);
      runs.get(`${route} ${name}`).push(run);
    }
  }

  const endStats = new Map();
  for (const app of apps.values()) if (app.mode === 'with') endStats.set(app.name, (await settle(app, Date.now(), settings.databaseUrl, settings.drainTimeout)).stats);
  report({ ctx, runs, startups, idleRss, faultsBefore, endStats });
  for (const app of apps.values()) await stopApp(app);
  for (const app of apps.values()) if (app.exit?.code) ctx.log(`note: ${app.name} exited with ${JSON.stringify(app.exit)}`);
}
