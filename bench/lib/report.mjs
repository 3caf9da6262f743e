// The end of an overhead run: per adapter and route, with/bare against the issue's targets; then
// storage, memory and start-up. Reported, never asserted: the run exits 0 when a target is missed.
import { BUDGETS, ROUTES, settings } from './settings.mjs';

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const signed = (x) => (x >= 0 ? '+' : '') + fmt(x);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const verdict = (ok) => (ok ? 'met' : 'NOT met');

function table(log, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  log(line(header));
  for (const r of rows) log(line(r));
}

function throughput(log, runs) {
  log(`\nthroughput (req/s and CPU µs per answer: median of ${settings.rounds} round(s); p99: median of rounds)`);
  const rows = [];
  const verdicts = [];
  for (const adapter of settings.adapters) {
    for (const r of settings.routes) {
      const bare = runs.get(`${r} ${adapter}-bare`) ?? [];
      const withRuns = runs.get(`${r} ${adapter}-with`) ?? [];
      const b = median(bare.map((x) => x.rps));
      const w = median(withRuns.map((x) => x.rps));
      const ratio = w / b;
      const target = ROUTES[r].target;
      verdicts.push({ adapter, route: r, ratio, met: ratio >= target });
      rows.push([
        adapter,
        ROUTES[r].label,
        fmt(b),
        fmt(w),
        fmt(ratio, 3),
        `≥ ${target.toFixed(2)} ${verdict(ratio >= target)}`,
        `${fmt(median(bare.map((x) => x.cpuMicros)))} → ${fmt(median(withRuns.map((x) => x.cpuMicros)))}`,
        `${fmt(median(bare.map((x) => x.p99)))} / ${fmt(median(withRuns.map((x) => x.p99)))}`,
        `${fmt(Math.min(...withRuns.map((x) => x.rps)))}–${fmt(Math.max(...withRuns.map((x) => x.rps)))}`,
      ]);
    }
  }
  table(log, ['adapter', 'route', 'bare', 'with', 'ratio', 'target', 'CPU µs bare → with', 'p99 ms bare / with', 'with rounds'], rows);
  return verdicts;
}

function storage(log, runs, endStats) {
  log(`\nstorage (with apps; every measured run, discarded repeats not included)`);
  log(`  requests still in flight when a run stops are captured and stored but not counted by autocannon: rows may exceed 5xx answers by up to ${settings.connections} per run; rows must equal captures`);
  const rows = [];
  let allStored = true;
  for (const adapter of settings.adapters) {
    for (const r of settings.routes) {
      const s = (runs.get(`${r} ${adapter}-with`) ?? []).map((x) => x.storage);
      const answered = sum(s.map((x) => x.answered));
      const captured = sum(s.map((x) => x.captured));
      const stored = sum(s.map((x) => x.rows));
      const dropped = sum(s.map((x) => x.dropped));
      const fps = s.map((x) => x.fingerprints).filter((x) => x !== undefined);
      const exact = ROUTES[r].stored
        ? stored === captured && stored >= answered && stored - answered <= settings.connections * s.length && dropped === 0 && s.every((x) => x.settled)
        : stored === 0;
      allStored &&= exact;
      rows.push([
        adapter,
        r,
        answered,
        captured,
        stored,
        stored - answered,
        dropped,
        fps.length ? `${Math.min(...fps)}–${Math.max(...fps)}` : 'n/a',
        ROUTES[r].stored ? (exact ? 'yes' : 'NO') : exact ? 'none stored (right)' : 'STORED',
      ]);
    }
    const w = endStats.get(`${adapter}-with`)?.writer;
    if (w) log(`  ${adapter} writer at end: ${JSON.stringify(w)}`);
  }
  table(log, ['adapter', 'route', '5xx answered', 'captured', 'rows', 'rows − 5xx', 'dropped', 'fingerprints/run', 'exactly once'], rows);
  return allStored;
}

function memoryAndStartup(log, runs, idleRss, startups) {
  log(`\nmemory (VmRSS, MiB) and start-up (spawn → first 200 on GET /ok, ms; median of ${settings.rounds} start(s))`);
  const rows = [];
  const verdicts = [];
  const errorRoutes = settings.routes.filter((r) => ROUTES[r].stored);
  for (const adapter of settings.adapters) {
    const peak = (mode) => Math.max(...errorRoutes.flatMap((r) => (runs.get(`${r} ${adapter}-${mode}`) ?? []).map((x) => x.peakRss)));
    const idle = [idleRss.get(`${adapter}-bare`), idleRss.get(`${adapter}-with`)];
    const peaks = [peak('bare'), peak('with')];
    const starts = [median(startups.get(`${adapter}-bare`).ms), median(startups.get(`${adapter}-with`).ms)];
    const startRss = [median(startups.get(`${adapter}-bare`).rss), median(startups.get(`${adapter}-with`).rss)];
    rows.push([adapter, 'RSS at first answer', fmt(startRss[0]), fmt(startRss[1]), signed(startRss[1] - startRss[0]), '(for reference)']);
    const checks = [
      ['idle RSS after warm-up', idle, BUDGETS.idleRssMiB, 'MiB'],
      ['peak RSS, error routes', peaks, BUDGETS.peakRssMiB, 'MiB'],
      ['start-up', starts, BUDGETS.startupMs, 'ms'],
    ];
    for (const [what, [b, w], budget, unit] of checks) {
      if (!Number.isFinite(w - b)) continue; // e.g. no error route in this run: no peak under errors
      const met = w - b <= budget;
      verdicts.push({ adapter, what, delta: w - b, met });
      rows.push([adapter, what, fmt(b), fmt(w), signed(w - b), `≤ +${budget} ${unit} ${verdict(met)}`]);
    }
    log(`  ${adapter} start-ups: bare ${startups.get(`${adapter}-bare`).ms.map((x) => fmt(x)).join(', ')} ms; with ${startups.get(`${adapter}-with`).ms.map((x) => fmt(x)).join(', ')} ms`);
  }
  table(log, ['adapter', 'figure', 'bare', 'with', 'with − bare', 'budget'], rows);
  return verdicts;
}

/** Prints the whole report of an overhead run. */
export function report({ ctx, runs, startups, idleRss, faultsBefore, endStats }) {
  const { log } = ctx;
  const ratios = throughput(log, runs);
  const allStored = storage(log, runs, endStats);
  const budgets = memoryAndStartup(log, runs, idleRss, startups);

  log(`\ntargets (reported, not asserted)`);
  for (const v of ratios) log(`  ${v.adapter.padEnd(8)} ${v.route.padEnd(9)} with/bare ${fmt(v.ratio, 3)}  ${verdict(v.met)}`);
  for (const v of budgets) log(`  ${v.adapter.padEnd(8)} ${v.what.padEnd(23)} ${signed(v.delta)}  ${verdict(v.met)}`);
  log(`  every error stored exactly once, nothing dropped, nothing stored for 200/404: ${allStored ? 'yes' : 'NO'}`);

  for (const [name, stats] of endStats) {
    const before = faultsBefore.get(name) ?? {};
    const during = Object.entries(stats.internal_faults).reduce((a, [k, v]) => a + v - (before[k] ?? 0), 0);
    if (during) log(`WARNING: ${name}: the module counted ${during} internal faults during the measured runs ${JSON.stringify(stats.internal_faults)}`);
    if (settings.alerts) log(`  ${name} alerts: queue ${JSON.stringify(stats.alerts?.queue)}; worker sent ${stats.alerts?.worker?.sent}, failed ${stats.alerts?.worker?.failed}`);
  }
  if (settings.alerts) log(`  alert webhook posts by kind: ${JSON.stringify(ctx.alertPosts)}`);
  const kept = [...runs.values()].flat();
  const disturbed = kept.filter((x) => x.disturbed).length;
  if (disturbed) log(`\nWARNING: ${disturbed} of ${kept.length} kept runs shared the CPU with other processes even after ${settings.retries} repeat(s); the ratios are less reliable`);
  const problems = sum([...kept, ...ctx.discarded].map((x) => x.out.unexpected + x.out.transport));
  if (problems) log(`WARNING: ${problems} unexpected answers or transport errors (see the round lines above)`);
}
