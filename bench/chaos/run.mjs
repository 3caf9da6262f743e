// Chaos suite of nest-error-recovery: each scenario against the same Nest app without the module
// (bare) and with it (with: defaults; tuned: documented settings), against a misbehaving downstream.
//   npm run chaos                          (builds, then runs this file; about 11 minutes)
//   npm run chaos -- --quick               (smaller counts, time scale 0.5; about 5 minutes)
//   node bench/chaos/run.mjs [--only flaky,slow,outage,pool,storedown] [--quick] [--time-scale F]
//        [--database-url URL] [--adapter express] [--out FILE.json] [--store-faults blackhole,refuse,reset]
//        [--keep-logs]
// DATABASE_URL (or --database-url) is the PostgreSQL used by the module's store and by the pool
// route; default postgres://postgres@127.0.0.1:5432/er_chaos. See docs/CHAOS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cleanup, forkHelper, killAllNow, startApp } from './procs.mjs';
import { recoveredAfter, runLoad, sleep, summarize } from './load.mjs';
import { ADMIN_TOKEN, TUNED, routeTimeout } from './settings.mjs';
import { markdownReport } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- flags
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const SCENARIOS = ['flaky', 'slow', 'outage', 'pool', 'storedown'];
const QUICK = flag('quick');
const ONLY = (arg('only', SCENARIOS.join(',')) ?? '').split(',').filter(Boolean);
for (const name of ONLY) if (!SCENARIOS.includes(name)) usage(`unknown scenario ${name}`);
const TIME_SCALE = Number(arg('time-scale', QUICK ? '0.5' : '1'));
if (!(TIME_SCALE > 0 && TIME_SCALE <= 1)) usage('--time-scale must be in (0, 1]');
const DATABASE_URL = arg('database-url', process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/er_chaos');
const ADAPTER = arg('adapter', 'express');
const STORE_FAULTS = arg('store-faults', 'blackhole,refuse').split(',').filter(Boolean);
for (const f of STORE_FAULTS) if (!['blackhole', 'refuse', 'reset'].includes(f)) usage(`unknown store fault ${f}`);
const STAMP = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const OUT = path.resolve(arg('out', path.join(here, 'results', `chaos-${STAMP}.json`)));
const KEEP_LOGS = flag('keep-logs');
const s = (ms) => Math.round(ms * TIME_SCALE);

function usage(problem) {
  console.error(`${problem}\nusage: node bench/chaos/run.mjs [--quick] [--only ${SCENARIOS.join(',')}] [--time-scale F] [--database-url URL] [--adapter express|fastify] [--out FILE] [--store-faults blackhole,refuse,reset] [--keep-logs]`);
  process.exit(2);
}

/** The scenarios' parameters (full run; --quick shrinks counts, --time-scale the durations). */
const P = {
  flaky: { failPercent: 30, requests: QUICK ? 600 : 3000, concurrency: 20, capMs: QUICK ? 45_000 : 120_000 },
  // The call time and the route timeout are never scaled: 7 s against the module's 5 s matters.
  slow: { delayMs: 7000, slowMs: Math.max(10_000, s(20_000)), fastMs: s(40_000), rate: 20, concurrency: 20, routeTimeoutMs: 5000 },
  outage: { healthyMs: 3000, downMs: s(15_000), backMs: s(60_000), rate: 50, concurrency: 20 },
  pool: { burst: 30 },
  storedown: { failPercent: 30, requests: QUICK ? 400 : 1500, concurrency: 20, capMs: QUICK ? 40_000 : 90_000, faults: STORE_FAULTS },
};
/** Time a breaker's probe may take once it is let through, on top of the open duration. */
const PROBE_ALLOWANCE_MS = 2000;
/** Requests after the recovery deadline that judge "served normally again". */
const AFTER_DEADLINE_MS = 10_000;
/** Longest a run goes on after the dependency recovered (bounds the run whatever the breaker does). */
const MAX_AFTER_SWITCH_MS = 90_000;
const CLIENT_TIMEOUT_MS = 30_000;
/** Noise allowed between two runs' p99 on this shared machine (storedown latency target). */
const STORE_DOWN_LATENCY_MARGIN_MS = 100;
const SETTLE_MS = 20_000;
const DEADLINE_MS = 25 * 60_000;

// ---------------------------------------------------------------- life cycle
const logDir = mkdtempSync(path.join(os.tmpdir(), 'nest-error-recovery-chaos-'));
let failing = false;
async function fail(error, code = 1) {
  if (failing) return;
  failing = true;
  console.error(`\nchaos run failed: ${error instanceof Error ? error.stack : error}\nlogs kept in ${logDir}`);
  await cleanup();
  process.exit(code);
}
process.on('SIGINT', () => void fail(new Error('interrupted (SIGINT)'), 130));
process.on('SIGTERM', () => void fail(new Error('terminated (SIGTERM)'), 143));
process.on('exit', killAllNow);
setTimeout(() => void fail(new Error(`overall deadline of ${DEADLINE_MS / 60_000} min exceeded`)), DEADLINE_MS).unref();

const log = (line) => console.error(line);
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');

// ---------------------------------------------------------------- helpers
let downstream;
let runSeq = 0;
const RUN_ID = Date.now().toString(36);

async function setDownstream(mode, extra = {}) {
  await downstream.request({ type: 'mode', mode, ...extra });
}

async function admin(port, route, timeoutMs = 10_000) {
  const res = await fetch(`http://127.0.0.1:${port}/api/errors${route}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`GET /api/errors${route}: HTTP ${res.status}`);
  return res.json();
}

/** The breaker guarding /api/call, as the admin API shows it; undefined before it exists or on error. */
async function callBreaker(port) {
  try {
    const { items } = await admin(port, '/circuit-breakers', 3000);
    return items.find((b) => b.name.includes('/api/call')) ?? items[0];
  } catch {
    return undefined;
  }
}

/** Waits (bounded) until the writer has nothing queued and `captured` stopped moving. */
async function settle(port, limitMs = SETTLE_MS) {
  const deadline = Date.now() + limitMs;
  let last;
  for (;;) {
    let now;
    try {
      now = await admin(port, '/stats', 5000);
    } catch {
      now = undefined;
    }
    if (now && last && now.writer.queued === 0 && now.captured === last.captured) return { stats: now, settled: true };
    if (now) last = now;
    if (Date.now() > deadline) return { stats: last, settled: false };
    await sleep(300);
  }
}

/** What recovery did for the errors of `service`, from the module's tables: actions by strategy and outcome. */
async function recoveryRows(service) {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const errors = (
      await client.query(
        `SELECT count(*)::int AS errors, count(*) FILTER (WHERE recovery_success)::int AS recovered,
                count(*) FILTER (WHERE recovery_attempted)::int AS attempted
           FROM error_logs WHERE service = $1`,
        [service],
      )
    ).rows[0];
    const actions = (
      await client.query(
        `SELECT a.strategy, count(*) FILTER (WHERE a.success AND NOT a.skipped)::int AS ok,
                count(*) FILTER (WHERE NOT a.success AND NOT a.skipped)::int AS failed,
                count(*) FILTER (WHERE a.skipped)::int AS skipped
           FROM recovery_actions a JOIN error_logs e ON e.id = a.error_log_id
          WHERE e.service = $1 GROUP BY a.strategy ORDER BY count(*) DESC`,
        [service],
      )
    ).rows;
    const skips = (
      await client.query(
        `SELECT a.strategy, left(a.message, 90) AS message, count(*)::int AS n
           FROM recovery_actions a JOIN error_logs e ON e.id = a.error_log_id
          WHERE e.service = $1 AND a.skipped GROUP BY 1, 2 ORDER BY n DESC LIMIT 4`,
        [service],
      )
    ).rows;
    return { ...errors, actions, topSkips: skips };
  } finally {
    await client.end();
  }
}

/** 1-minute load average of the machine (it may be shared: read the figures with it). */
const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

/** Starts a fresh app; `mode` bare | with | tuned. */
async function app(scenario, variant, mode, extra = {}) {
  const n = ++runSeq;
  const service = `chaos-${RUN_ID}-${n}-${scenario}-${variant}`.slice(0, 100);
  const args = ['--mode', mode, '--adapter', ADAPTER, '--downstream', `http://127.0.0.1:${downstream.port}`, '--service', service];
  if (mode !== 'bare') args.push('--module-db', extra.moduleDb ?? DATABASE_URL);
  if (extra.appDb) args.push('--app-db', extra.appDb);
  if (extra.routeTimeoutMs) args.push('--route-timeout-ms', String(extra.routeTimeoutMs));
  const started = await startApp(args, path.join(logDir, `${n}-${scenario}-${variant}.log`));
  return { ...started, mode, service, variant, url: (route) => `http://127.0.0.1:${started.port}${route}` };
}

/** A few requests so JIT, keep-alive connections and pools are warm; the downstream is healthy. */
async function warmUp(a, route = '/api/call', n = 20) {
  await runLoad({ url: a.url(route), concurrency: 4, total: n, timeoutMs: 10_000 });
}

/** After a run of the module: writer settled, counters, breaker, stored recovery actions. */
async function moduleReport(a, settleMs) {
  if (a.mode === 'bare') return undefined;
  const settled = await settle(a.port, settleMs);
  let effects;
  try {
    effects = await admin(a.port, '/recovery/effects', 5000);
  } catch {
    effects = undefined;
  }
  let rows;
  try {
    rows = await recoveryRows(a.service);
  } catch (error) {
    rows = { error: String(error?.message ?? error) };
  }
  const st = settled.stats;
  return {
    settled: settled.settled,
    captured: st?.captured,
    recovered: st?.recovered,
    internalFaults: st ? Object.values(st.internal_faults).reduce((x, y) => x + y, 0) : undefined,
    writer: st?.writer,
    breakers: effects?.circuit_breakers?.map((b) => ({ name: b.name, state: b.state, counts: b.counts, policy: b.policy })),
    pools: effects?.pools,
    timeouts: effects?.timeouts,
    throttles: effects?.throttles,
    stored: rows,
  };
}

/** Polls the /api/call breaker every second while `run` is going; returns its timeline. */
function watchBreaker(a, t0) {
  const timeline = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const b = await callBreaker(a.port);
      if (b) {
        const last = timeline[timeline.length - 1];
        if (!last || last.state !== b.state || last.opened !== b.counts.opened)
          timeline.push({ t: Math.round(performance.now() - t0), state: b.state, opened: b.counts.opened, reopen_at: b.reopen_at });
      }
      await sleep(1000);
    }
  })();
  return {
    timeline,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * When the app should serve normally again after the dependency came back at `switchAt` (run axis):
 * the rest of the open duration of the breaker as it stood then, plus one probe.
 */
async function recoveryDeadline(a, switchAt) {
  if (a.mode === 'bare') return { deadline: switchAt + PROBE_ALLOWANCE_MS, breaker: null };
  const wallAtSwitch = Date.now();
  const b = await callBreaker(a.port);
  const openFor = b?.state === 'open' && b.reopen_at ? Math.max(0, Date.parse(b.reopen_at) - wallAtSwitch) : 0;
  return { deadline: switchAt + openFor + PROBE_ALLOWANCE_MS, breaker: b ? { state: b.state, reopen_in_ms: openFor, opened: b.counts.opened } : null };
}

/**
 * End of a run's load: the fixed end, or later when the breaker's remaining open time plus a probe
 * reaches past it, so that there are `AFTER_DEADLINE_MS` of requests to judge recovery by (capped).
 */
function extendedEnd(fixedEnd, deadline, switchAt) {
  return Math.min(Math.max(fixedEnd, deadline + AFTER_DEADLINE_MS), switchAt + MAX_AFTER_SWITCH_MS);
}

const compact = (records) => records.map((r) => [Math.round(r.start), Math.round(r.ms * 10) / 10, r.status || r.error, r.failFast ? 1 : 0, r.recovery]);

// ---------------------------------------------------------------- scenarios
async function flakyRun(mode, variant, p, extra = {}) {
  const a = await app(extra.scenario ?? 'flaky', variant, mode, extra);
  try {
    await setDownstream('ok');
    await warmUp(a);
    if (extra.before) await extra.before(a);
    await setDownstream('flaky', { failPercent: p.failPercent, seed: 42 });
    const load = await runLoad({ url: a.url('/api/call'), concurrency: p.concurrency, total: p.requests, capMs: p.capMs, timeoutMs: CLIENT_TIMEOUT_MS });
    const ds = (await downstream.request({ type: 'stats' })).stats;
    await setDownstream('ok');
    const afterLoad = extra.after ? await extra.after(a) : undefined;
    const summary = summarize(load.records);
    const module = await moduleReport(a, extra.settleMs);
    log(`  ${variant.padEnd(16)} ${pct(summary.success).padStart(8)}  p50 ${fmt(summary.p50)} ms  p99 ${fmt(summary.p99)} ms  (${summary.requests} requests${load.truncated ? `, TRUNCATED at ${p.capMs / 1000} s` : ''}, downstream calls ${ds.calls})`);
    return { variant, mode, loadavg1: load1(), summary, truncated: load.truncated, elapsedMs: Math.round(load.elapsedMs), downstreamCalls: ds, module, ...afterLoad, requests: compact(load.records) };
  } finally {
    await a.stop();
  }
}

async function scenarioFlaky() {
  const p = P.flaky;
  const runs = [];
  for (const [mode, variant] of [['bare', 'bare'], ['with', 'with (defaults)'], ['tuned', 'tuned']]) runs.push(await flakyRun(mode, variant, p));
  const [bare, withRun, tuned] = runs;
  const targets = [];
  for (const [run, min] of [[withRun, 0.99], [tuned, 0.995]]) {
    targets.push(target(`${run.variant}: success ≥ ${min * 100} %`, pct(run.summary.success), run.summary.success >= min && !run.truncated));
    targets.push(target(`${run.variant}: p99 ≤ 1 s`, `${fmt(run.summary.p99, 0)} ms`, run.summary.p99 <= 1000));
    targets.push(target(`${run.variant}: success ≥ bare (${pct(bare.summary.success)})`, pct(run.summary.success), run.summary.success >= bare.summary.success));
  }
  return { name: 'flaky', title: `flaky dependency: ${p.failPercent} % of calls fail (503 / reset alternately), ${p.requests} GETs at ${p.concurrency} concurrent`, params: p, runs, targets };
}

async function slowRun(mode, variant, p, routeTimeoutMs) {
  const a = await app('slow', variant, mode, { routeTimeoutMs });
  try {
    await setDownstream('ok');
    await warmUp(a);
    const t0 = performance.now();
    const watch = mode === 'bare' ? undefined : watchBreaker(a, t0);
    await setDownstream('slow', { delayMs: p.delayMs });
    const fixedEnd = p.slowMs + p.fastMs;
    const control = { durationMs: fixedEnd };
    const loading = runLoad({ url: a.url('/api/call'), concurrency: p.concurrency, rate: p.rate, timeoutMs: CLIENT_TIMEOUT_MS, t0, control });
    await sleep(p.slowMs - (performance.now() - t0));
    await setDownstream('ok');
    const fastAt = performance.now() - t0;
    const { deadline, breaker } = await recoveryDeadline(a, fastAt);
    control.durationMs = extendedEnd(fixedEnd, deadline, fastAt);
    const load = await loading;
    await watch?.stop();
    const all = load.records;
    // Success and latency over the same fixed window for every app; the extension only serves
    // the "served normally within one probe" measure.
    const r = all.filter((x) => x.start < fixedEnd);
    const recoveredMs = recoveredAfter(all, fastAt);
    const result = {
      variant,
      mode,
      routeTimeoutMs: routeTimeoutMs ?? null,
      loadavg1: load1(),
      summary: summarize(r),
      extendedToMs: Math.round(control.durationMs),
      phases: { slow: summarize(r.filter((x) => x.start < fastAt)), fast: summarize(r.filter((x) => x.start >= fastAt)), afterOpenAndProbe: summarize(all.filter((x) => x.start >= deadline)) },
      fastAgainAtMs: Math.round(fastAt),
      recoveredAfterMs: recoveredMs === undefined ? null : Math.round(recoveredMs),
      recoveryDeadlineMs: Math.round(deadline - fastAt),
      breakerAtFastAgain: breaker,
      breakerTimeline: watch?.timeline,
      module: await moduleReport(a),
      requests: compact(all),
    };
    log(`  ${variant.padEnd(16)} ${pct(result.summary.success).padStart(8)}  slow phase ${pct(result.phases.slow.success)}, after ${pct(result.phases.fast.success)}; served normally ${result.recoveredAfterMs === null ? 'never' : `${fmt(result.recoveredAfterMs / 1000)} s`} after fast again`);
    return result;
  } finally {
    await a.stop();
  }
}

async function scenarioSlow() {
  const p = P.slow;
  const bare = await slowRun('bare', 'bare', p);
  const withRun = await slowRun('with', 'with (defaults)', p);
  const timed = await slowRun('with', `with, ${p.routeTimeoutMs / 1000} s timeout`, p, p.routeTimeoutMs);
  const recovered = timed.recoveredAfterMs !== null && timed.recoveredAfterMs <= timed.recoveryDeadlineMs;
  const targets = [
    target(`with (no timeout configured): success = bare (${pct(bare.summary.success)})`, pct(withRun.summary.success), withRun.summary.success >= bare.summary.success),
    target(`with ${p.routeTimeoutMs / 1000} s timeout: success ≥ bare (${pct(bare.summary.success)})`, pct(timed.summary.success), timed.summary.success >= bare.summary.success),
    target(
      `with ${p.routeTimeoutMs / 1000} s timeout: served normally within one probe of fast again (≤ ${fmt(timed.recoveryDeadlineMs / 1000)} s)`,
      timed.recoveredAfterMs === null ? 'never' : `${fmt(timed.recoveredAfterMs / 1000)} s`,
      recovered,
    ),
  ];
  return {
    name: 'slow',
    title: `slow dependency: ${p.delayMs / 1000} s per call for ${p.slowMs / 1000} s, then fast for ${p.fastMs / 1000} s; ${p.rate} req/s, ≤ ${p.concurrency} concurrent${TIME_SCALE !== 1 ? ` (times × ${TIME_SCALE})` : ''}`,
    params: p,
    runs: [bare, withRun, timed],
    targets,
  };
}

async function outageRun(mode, variant, p) {
  const a = await app('outage', variant, mode);
  try {
    await setDownstream('ok');
    await warmUp(a);
    const t0 = performance.now();
    const watch = mode === 'bare' ? undefined : watchBreaker(a, t0);
    const fixedEnd = p.healthyMs + p.downMs + p.backMs;
    const control = { durationMs: fixedEnd };
    const loading = runLoad({ url: a.url('/api/call'), concurrency: p.concurrency, rate: p.rate, timeoutMs: CLIENT_TIMEOUT_MS, t0, control });
    await sleep(p.healthyMs);
    await setDownstream('down');
    const downAt = performance.now() - t0;
    await sleep(p.healthyMs + p.downMs - (performance.now() - t0));
    await setDownstream('ok');
    const backAt = performance.now() - t0;
    const { deadline, breaker } = await recoveryDeadline(a, backAt);
    control.durationMs = extendedEnd(fixedEnd, deadline, backAt);
    const load = await loading;
    await watch?.stop();
    const all = load.records;
    const r = all.filter((x) => x.start < fixedEnd);
    const down = r.filter((x) => x.start >= downAt && x.start < backAt);
    const firstFailFast = down.find((x) => x.failFast);
    const failFast = firstFailFast ? down.filter((x) => x.failFast && x.start >= firstFailFast.start) : [];
    const ffMs = failFast.map((x) => x.ms).sort((x, y) => x - y);
    const afterDeadline = all.filter((x) => x.start >= deadline);
    const recoveredMs = recoveredAfter(all, backAt);
    const result = {
      variant,
      mode,
      loadavg1: load1(),
      summary: summarize(r),
      phases: {
        healthy: summarize(r.filter((x) => x.start < downAt)),
        down: summarize(down),
        back: summarize(r.filter((x) => x.start >= backAt)),
        afterOpenAndProbe: summarize(afterDeadline),
      },
      extendedToMs: Math.round(control.durationMs),
      downAtMs: Math.round(downAt),
      backAtMs: Math.round(backAt),
      failFastCount: failFast.length,
      failFastMedianMs: ffMs.length ? ffMs[Math.floor((ffMs.length - 1) / 2)] : null,
      breakerOpenedAfterMs: firstFailFast ? Math.round(firstFailFast.start - downAt) : null,
      recoveredAfterMs: recoveredMs === undefined ? null : Math.round(recoveredMs),
      recoveryDeadlineMs: Math.round(deadline - backAt),
      breakerAtBack: breaker,
      breakerTimeline: watch?.timeline,
      module: await moduleReport(a),
      requests: compact(all),
    };
    log(
      `  ${variant.padEnd(16)} ${pct(result.summary.success).padStart(8)}  down ${pct(result.phases.down.success)}, fail-fast ${result.failFastCount} (median ${fmt(result.failFastMedianMs, 2)} ms); back ${pct(result.phases.back.success)}, after open+probe ${pct(result.phases.afterOpenAndProbe.success)}`,
    );
    return result;
  } finally {
    await a.stop();
  }
}

async function scenarioOutage() {
  const p = P.outage;
  const bare = await outageRun('bare', 'bare', p);
  const withRun = await outageRun('with', 'with (defaults)', p);
  const after = withRun.phases.afterOpenAndProbe;
  const targets = [
    target('with: fail-fast median ≤ 5 ms once open', withRun.failFastMedianMs === null ? 'breaker never opened' : `${fmt(withRun.failFastMedianMs, 2)} ms`, withRun.failFastMedianMs !== null && withRun.failFastMedianMs <= 5),
    target(
      `with: ≥ 95 % success after the open duration + one probe (from ${fmt(withRun.recoveryDeadlineMs / 1000)} s after return)`,
      after.requests ? `${pct(after.success)} of ${after.requests}` : 'no request that late',
      after.requests > 0 && after.success >= 0.95,
    ),
    target(`with: success ≥ bare (${pct(bare.summary.success)})`, pct(withRun.summary.success), withRun.summary.success >= bare.summary.success),
  ];
  return {
    name: 'outage',
    title: `hard outage: ${p.healthyMs / 1000} s healthy, downstream refusing connections for ${p.downMs / 1000} s, then back for ${p.backMs / 1000} s; ${p.rate} req/s, ≤ ${p.concurrency} concurrent${TIME_SCALE !== 1 ? ` (times × ${TIME_SCALE})` : ''}`,
    params: p,
    runs: [bare, withRun],
    targets,
  };
}

async function poolRun(mode, variant, p) {
  const a = await app('pool', variant, mode, { appDb: DATABASE_URL });
  try {
    await warmUp(a, '/api/pool', 2);
    const load = await runLoad({ url: a.url('/api/pool'), concurrency: p.burst, total: p.burst, timeoutMs: CLIENT_TIMEOUT_MS });
    const summary = summarize(load.records);
    const module = await moduleReport(a);
    log(`  ${variant.padEnd(16)} ${pct(summary.success).padStart(8)}  p50 ${fmt(summary.p50)} ms  p99 ${fmt(summary.p99)} ms  ${JSON.stringify(summary.outcomes)}`);
    return { variant, mode, loadavg1: load1(), summary, module, requests: compact(load.records) };
  } finally {
    await a.stop();
  }
}

async function scenarioPool() {
  const p = P.pool;
  const bare = await poolRun('bare', 'bare', p);
  const withRun = await poolRun('with', 'with (defaults)', p);
  const targets = [
    target('with: success ≥ 95 %', pct(withRun.summary.success), withRun.summary.success >= 0.95),
    target(`with: success ≥ bare (${pct(bare.summary.success)})`, pct(withRun.summary.success), withRun.summary.success >= bare.summary.success),
  ];
  return { name: 'pool', title: `pool exhaustion: ${p.burst} concurrent SELECT pg_sleep(0.5), app pool max 2 with a 1 s wait for a connection`, params: p, runs: [bare, withRun], targets };
}

async function scenarioStoreDown() {
  const p = P.storedown;
  const db = new URL(DATABASE_URL);
  const proxy = await forkHelper('fault-proxy.mjs', ['--target-host', db.hostname, '--target-port', db.port || '5432'], path.join(logDir, 'fault-proxy.log'));
  const viaProxy = new URL(DATABASE_URL);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const runs = [];
  runs.push(await flakyRun('bare', 'bare', p, { scenario: 'storedown' }));
  runs.push(await flakyRun('with', 'with, store up', p, { scenario: 'storedown', moduleDb: viaProxy.href }));
  for (const fault of p.faults) {
    runs.push(
      await flakyRun('with', `with, store ${fault}`, p, {
        scenario: 'storedown',
        moduleDb: viaProxy.href,
        settleMs: 30_000,
        // The store is broken only once the app is up (its migrations ran), for the whole load.
        before: async () => {
          await proxy.request({ type: 'mode', mode: fault });
        },
        after: async () => {
          const ack = await proxy.request({ type: 'mode', mode: 'pass' });
          return { storeFault: fault, connectionsDuringFault: ack.previousConnections };
        },
      }),
    );
  }
  const [bare, up, ...faulted] = runs;
  const targets = [];
  // Latency: the answers that needed no recovery must not be slower than bare's successes (a store
  // that hangs must never hold a request); recovered answers are slower by their retries anyway,
  // in the store-up run too (shown for reference).
  const limit = bare.summary.plain.p99 + STORE_DOWN_LATENCY_MARGIN_MS;
  for (const run of faulted) {
    targets.push(target(`${run.variant}: success ≥ bare (${pct(bare.summary.success)})`, pct(run.summary.success), run.summary.success >= bare.summary.success));
    targets.push(
      target(
        `${run.variant}: p99 of answers needing no recovery ≤ bare's p99 of successes + ${STORE_DOWN_LATENCY_MARGIN_MS} ms (${fmt(limit, 0)} ms)`,
        `${fmt(run.summary.plain.p99, 0)} ms (store up: ${fmt(up.summary.plain.p99, 0)} ms)`,
        run.summary.plain.p99 <= limit,
      ),
    );
  }
  return {
    name: 'storedown',
    title: `module's database down during a flaky run: ${p.failPercent} % failures, ${p.requests} GETs at ${p.concurrency} concurrent; store behind a TCP fault proxy (${p.faults.join(', ')})`,
    params: p,
    runs,
    targets,
  };
}

function target(name, value, pass) {
  return { name, value, pass: Boolean(pass) };
}

// ---------------------------------------------------------------- main
async function machine() {
  const cpus = os.cpus();
  let dbVersion;
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    dbVersion = (await client.query('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    nproc: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.platform()} ${os.release()}`,
    node: process.version,
    nest: require('@nestjs/core/package.json').version,
    postgres: dbVersion,
    loadavgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main() {
  const started = Date.now();
  const info = await machine().catch((error) => {
    throw new Error(`PostgreSQL at ${DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} not reachable: ${error.message}`);
  });
  log(`chaos suite: ${ONLY.join(', ')}${QUICK ? ' (quick)' : ''}, time scale ${TIME_SCALE}, adapter ${ADAPTER}; logs in ${logDir}`);
  downstream = await forkHelper('downstream.mjs', [], path.join(logDir, 'downstream.log'));
  const run = { flaky: scenarioFlaky, slow: scenarioSlow, outage: scenarioOutage, pool: scenarioPool, storedown: scenarioStoreDown };
  const scenarios = [];
  for (const name of ONLY) {
    const t = Date.now();
    log(`\n[${name}]`);
    const result = await run[name]();
    result.durationS = Math.round((Date.now() - t) / 1000);
    scenarios.push(result);
  }
  info.loadavgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const results = {
    date: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: info,
    settings: { quick: QUICK, timeScale: TIME_SCALE, adapter: ADAPTER, database: DATABASE_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'), tuned: TUNED, routeTimeoutOption: routeTimeout(P.slow.routeTimeoutMs) },
    scenarios,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  // Every request of every run, compact ([start ms, latency ms, status or error, fail-fast, X-Recovery]), next to the results.
  const requestsFile = OUT.replace(/\.json$/, '') + '.requests.json';
  writeFileSync(requestsFile, JSON.stringify(Object.fromEntries(scenarios.flatMap((sc) => sc.runs.map((r) => [`${sc.name} / ${r.variant}`, r.requests])))));
  for (const sc of scenarios) for (const r of sc.runs) delete r.requests;
  writeFileSync(OUT, JSON.stringify({ ...results, requestsFile: path.basename(requestsFile) }, null, 2));
  console.log(markdownReport(results));
  log(`\nresults: ${OUT}\nrequests: ${requestsFile}\nwhole run: ${results.durationS} s`);
  await cleanup();
  if (!KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => fail(error),
);
