// Load of the chaos suite: plain node:http GETs from a pool of workers at fixed concurrency,
// optionally paced to a rate; every request's outcome and latency is recorded.
import http from 'node:http';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs requests to `url` with `concurrency` workers until `total` requests were sent or
 * `durationMs` passed (whichever first), never past `capMs` (then `truncated` is set).
 * `rate` (req/s) paces the start of requests across all workers; 0 = as fast as answers come.
 * Times are ms since `t0` (performance.now()), so phase switches can be placed on the same axis.
 * `control.durationMs`, when given, replaces `durationMs` and may be changed while the load runs.
 * Each record: { start, ms, status (0 = transport error), ok, failFast, recovery, error }.
 */
export async function runLoad({ url, concurrency, total = Infinity, durationMs = Infinity, capMs = Infinity, rate = 0, timeoutMs = 30_000, t0 = performance.now(), control = { durationMs } }) {
  const records = [];
  // One keep-alive agent per run: no connection left over from a previous app or run.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let issued = 0;
  let nextAt = 0;
  let truncated = false;
  const now = () => performance.now() - t0;
  const take = () => {
    if (issued >= total) return undefined;
    const t = now();
    if (t >= control.durationMs) return undefined;
    if (t >= capMs) {
      truncated = true;
      return undefined;
    }
    issued++;
    if (!rate) return 0;
    const at = Math.max(t, nextAt);
    nextAt = at + 1000 / rate;
    return at - t;
  };
  async function worker() {
    for (;;) {
      const wait = take();
      if (wait === undefined) return;
      if (wait > 0) await sleep(wait);
      if (now() >= control.durationMs) return;
      const start = now();
      const rec = { start, ms: 0, status: 0, ok: false, failFast: false, recovery: null, error: null };
      try {
        const res = await get(url, agent, timeoutMs);
        rec.status = res.status;
        rec.ok = res.status >= 200 && res.status < 300;
        rec.recovery = res.headers['x-recovery'] ?? null;
        // An open breaker answers 503 with Retry-After and stores nothing (no X-Error-Id).
        rec.failFast = res.status === 503 && 'retry-after' in res.headers && !('x-error-id' in res.headers);
      } catch (error) {
        rec.error = String(error?.code ?? error?.message ?? error);
      }
      rec.ms = now() - start;
      records.push(rec);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { records, truncated, issued, elapsedMs: now() };
}

/** One GET, body read to the end; rejects with code `client-timeout` after `timeoutMs`. */
function get(url, agent, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, headers: res.headers });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => {
      const e = new Error('client timeout');
      e.code = 'client-timeout';
      req.destroy(e);
    }, timeoutMs);
    function fail(error) {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
  });
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Success rate, latency percentiles and outcome counts of `records`. */
export function summarize(records) {
  const ms = records.map((r) => r.ms).sort((a, b) => a - b);
  const outcomes = {};
  const recovery = {};
  let ok = 0;
  let failFast = 0;
  for (const r of records) {
    const key = r.status ? String(r.status) : r.error;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (r.ok) ok++;
    if (r.failFast) failFast++;
    if (r.recovery) recovery[`${r.ok ? 'served' : 'failed'} ${r.recovery}`] = (recovery[`${r.ok ? 'served' : 'failed'} ${r.recovery}`] ?? 0) + 1;
  }
  const plain = records.filter((r) => r.ok && !r.recovery).map((r) => r.ms).sort((a, b) => a - b);
  return {
    requests: records.length,
    ok,
    success: records.length ? ok / records.length : NaN,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? ms[ms.length - 1] : NaN,
    failFast,
    /** Successes served without recovery (no X-Recovery header): the request's own path. */
    plain: { requests: plain.length, p50: percentile(plain, 50), p99: percentile(plain, 99) },
    outcomes,
    recoveryHeaders: recovery,
  };
}

/**
 * Time from `from` (ms on the run's axis) to the first successful request started at or after it
 * from which on at least `share` of the requests succeed to the end of the run; undefined if none.
 */
export function recoveredAfter(records, from, share = 0.95) {
  const after = records.filter((r) => r.start >= from).sort((a, b) => a.start - b.start);
  // Suffix success counts, so each candidate is checked in O(1).
  let okFromHere = 0;
  const suffix = new Array(after.length);
  for (let i = after.length - 1; i >= 0; i--) {
    if (after[i].ok) okFromHere++;
    suffix[i] = okFromHere;
  }
  for (let i = 0; i < after.length; i++) {
    if (after[i].ok && suffix[i] / (after.length - i) >= share) return after[i].start - from;
  }
  return undefined;
}
