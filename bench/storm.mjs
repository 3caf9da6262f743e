// Sustained error storm (--storm): the with app alone, full speed on an error route for
// BENCH_STORM_SECONDS, a progress line every BENCH_STORM_EVERY s (answered, stored, queued,
// dropped, RSS; rates over the last interval); then the writer drains and the run reports stored
// against answered, drops, and RSS growth from the first minute to the last.
import { startApp, stopApp, usage } from './lib/apps.mjs';
import { cannon, outcome } from './lib/load.mjs';
import { cpuSnapshot, cpuUse, rssMiB } from './lib/machine.mjs';
import { ROUTES, settings } from './lib/settings.mjs';
import { adminStats, droppedTotal, settle, storedSince } from './lib/store-check.mjs';

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** RSS every second, to compare the storm's first minute with its last. */
function rssRecorder(pid) {
  const samples = [];
  const started = performance.now();
  const timer = setInterval(() => samples.push({ t: (performance.now() - started) / 1000, rss: rssMiB(pid) }), 1000);
  return {
    stop: () => clearInterval(timer),
    summary(seconds) {
      const window = Math.min(60, seconds / 2);
      const first = mean(samples.filter((s) => s.t <= window).map((s) => s.rss));
      const last = mean(samples.filter((s) => s.t > seconds - window && s.t <= seconds).map((s) => s.rss));
      return { window, first, last, peak: Math.max(...samples.map((s) => s.rss)) };
    },
  };
}

async function progress(ctx, app, since, startedAt, counts) {
  const [stats, stored] = await Promise.all([adminStats(app), storedSince(app, since, settings.databaseUrl)]);
  const t = (performance.now() - startedAt) / 1000;
  const prev = counts.last ?? { t: 0, answered: 0, stored: 0 };
  const dt = t - prev.t;
  counts.last = { t, answered: counts.serverErrors, stored: stored.rows };
  const dropped = stats.writer.dropped ?? {};
  const drops = Object.entries(dropped).filter(([, v]) => v > 0);
  ctx.log(
    `  ${fmt(t).padStart(5)} s  answered ${counts.serverErrors} (${fmt((counts.serverErrors - prev.answered) / dt)}/s)  captured ${stats.captured}  stored ${stored.rows} (${fmt((stored.rows - prev.stored) / dt)}/s)` +
      `  queued ${stats.writer.queued}  dropped ${droppedTotal(stats)}${drops.length ? ` ${JSON.stringify(Object.fromEntries(drops))}` : ''}  rss ${fmt(rssMiB(app.pid))} MiB`,
  );
}

async function stormOne(adapter, ctx) {
  const route = ROUTES[settings.stormRoute];
  const nodeArgs = settings.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : [];
  const app = await startApp({ adapter, mode: 'with', logDir: ctx.logDir, nodeArgs });
  ctx.log(`\n${app.name} on ${route.path}: started in ${fmt(app.startupMs)} ms, idle RSS ${fmt(rssMiB(app.pid))} MiB (pid ${app.pid})`);
  const statsBefore = await adminStats(app);
  const usageBefore = await usage(app);
  const counts = { serverErrors: 0, other: 0 };
  const onResponse = (status) => (status >= 500 ? counts.serverErrors++ : counts.other++);
  const since = Date.now();
  const startedAt = performance.now();
  const cpuBefore = cpuSnapshot(ctx.pids());
  const rss = rssRecorder(app.pid);
  let reporting = Promise.resolve();
  const ticker = setInterval(() => {
    reporting = reporting.then(() => progress(ctx, app, since, startedAt, counts)).catch((e) => ctx.log(`  progress failed: ${e.message}`));
  }, settings.stormEvery * 1000);
  let result;
  try {
    ({ result } = await cannon(app, route, settings.stormSeconds, settings.connections, onResponse));
  } finally {
    clearInterval(ticker);
    rss.stop();
  }
  await reporting;
  const cpu = cpuUse(cpuBefore, cpuSnapshot(ctx.pids()));
  const out = outcome(result, route.status);
  ctx.log(`  load stopped: ${out.serverErrors} errors answered (${fmt(out.serverErrors / settings.stormSeconds)}/s), other answers ${out.answered - out.serverErrors}, transport problems ${out.transport}; waiting for the writer to drain (≤ ${settings.stormDrainTimeout} s)`);
  const drainStart = performance.now();
  const s = await settle(app, since, settings.databaseUrl, settings.stormDrainTimeout);
  const drainS = (performance.now() - drainStart) / 1000;
  const usageAfter = await usage(app);
  const captured = s.stats.captured - statsBefore.captured;
  const dropped = droppedTotal(s.stats) - droppedTotal(statsBefore);
  const mem = rss.summary(settings.stormSeconds);
  const exact = s.stored.rows === captured && s.stored.rows >= out.serverErrors && s.stored.rows - out.serverErrors <= settings.connections && dropped === 0;
  ctx.log(`  drained in ${fmt(drainS, 1)} s${s.settled ? '' : ' — did NOT settle within the timeout'}`);
  ctx.log(`  answered ${out.serverErrors}, captured ${captured}, stored ${s.stored.rows}${s.stored.fingerprints !== undefined ? ` (${s.stored.fingerprints} fingerprints)` : ''}, dropped ${dropped} ${JSON.stringify(s.stats.writer.dropped)}`);
  ctx.log(`  every error stored exactly once: ${exact ? 'yes' : 'NO'} (rows may exceed answers by the ≤ ${settings.connections} requests in flight when the load stopped)`);
  ctx.log(`  writer at end: ${JSON.stringify(s.stats.writer)}`);
  ctx.log(`  RSS: first ${fmt(mem.window)} s ${fmt(mem.first)} MiB → last ${fmt(mem.window)} s ${fmt(mem.last)} MiB (growth ${fmt(mem.last - mem.first)} MiB), peak ${fmt(mem.peak)} MiB`);
  ctx.log(`  CPU: ${fmt((usageAfter.cpuMicros - usageBefore.cpuMicros) / Math.max(1, out.answered))} µs of the app per error (drain included); machine: bench ${fmt(cpu.ours, 2)} pg ${fmt(cpu.postgres, 2)} other ${fmt(cpu.other, 2)} cores`);
  const faults = Object.values(s.stats.internal_faults).reduce((a, b) => a + b, 0);
  if (faults) ctx.log(`  WARNING: ${faults} internal faults ${JSON.stringify(s.stats.internal_faults)}`);
  await stopApp(app);
}

export async function storm(ctx) {
  if (!settings.databaseUrl) ctx.log('WARNING: no DATABASE_URL: the storm stores into PGlite in memory, which grows without bound; use PostgreSQL for a figure');
  for (const adapter of settings.adapters) await stormOne(adapter, ctx);
}
