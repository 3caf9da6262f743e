// Was every error stored exactly once? Rows are counted in the store itself (SQL on DATABASE_URL,
// per service and time window, with the distinct fingerprints); on the embedded PGlite, which only
// the app can reach, through the admin summary. Writer counters come from GET /api/errors/stats.
import { ADMIN_HEADERS, serviceOf } from './settings.mjs';
import { sleep } from './machine.mjs';

let pool;
/** A small pg pool on DATABASE_URL (undefined without one). */
async function sql(databaseUrl) {
  if (!databaseUrl) return undefined;
  if (!pool) {
    const pg = (await import('pg')).default;
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5000 });
  }
  return pool;
}

export async function closeSql() {
  await pool?.end();
  pool = undefined;
}

async function getJson(app, route, timeoutMs = 10_000) {
  const res = await fetch(`http://127.0.0.1:${app.port}${route}`, { headers: ADMIN_HEADERS, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${route} on ${app.name}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The module's counters (captured, writer queued/written/dropped, faults). */
export const adminStats = (app) => getJson(app, '/api/errors/stats');

/** Sum of the writer's drop counters, whatever their kinds. */
export const droppedTotal = (stats) => Object.values(stats.writer?.dropped ?? {}).reduce((a, b) => a + b, 0);

/**
 * Rows the with app on `app.adapter` stored at or after `since` (ms epoch), and how many distinct
 * fingerprints they have (undefined on PGlite, where only the total since the last hour is known).
 */
export async function storedSince(app, since, databaseUrl) {
  const db = await sql(databaseUrl);
  if (!db) {
    const summary = await getJson(app, `/api/errors/summary?service=${serviceOf(app.adapter)}&hours=1`, 30_000);
    return { rows: summary.total_errors, fingerprints: undefined, cumulative: true };
  }
  const { rows } = await db.query(
    'SELECT count(*)::int AS rows, count(DISTINCT fingerprint)::int AS fingerprints FROM error_logs WHERE service = $1 AND occurred_at >= $2',
    [serviceOf(app.adapter), new Date(since)],
  );
  return { ...rows[0], cumulative: false };
}

/**
 * Waits until the writer has nothing queued, `captured` stopped moving (requests in flight when the
 * load stopped) and, with SQL, the row count stopped moving too. Gives up after `timeoutS`.
 */
export async function settle(app, since, databaseUrl, timeoutS) {
  const deadline = Date.now() + timeoutS * 1000;
  let last;
  for (;;) {
    const stats = await adminStats(app);
    const stored = await storedSince(app, since, databaseUrl);
    const now = { stats, stored };
    if (last && stats.writer.queued === 0 && stats.captured === last.stats.captured && stored.rows === last.stored.rows) return { ...now, settled: true };
    if (Date.now() > deadline) return { ...now, settled: false };
    last = now;
    await sleep(last && stats.writer.queued > 0 ? 500 : 250);
  }
}
