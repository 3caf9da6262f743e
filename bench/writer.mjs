// The error-log writer alone: how many rows per second it puts into the store, with the table
// already holding N rows. No HTTP, no capture: rows are made here, queued, and flushed.
//   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/er_bench node bench/writer.mjs
//   node bench/writer.mjs                 (no DATABASE_URL: the embedded PGlite in memory)
// Env: WRITER_EXISTING (rows in error_logs before timing, default 0; filled with generate_series),
//      WRITER_ROWS (rows timed, default 100000), WRITER_ACTIONS (recovery actions per row, default 1),
//      WRITER_BATCH (writer.batchSize, default: the module's default), WRITER_ROUNDS (default 3),
//      WRITER_REUSE=1 (keep the tables of an earlier run and only top them up to WRITER_EXISTING rows:
//      lets runs of two builds interleave on one big table each).
// Without WRITER_REUSE it DROPS and recreates the module's tables in the given database (or the
// schema of the URL's search_path): never point it at real data.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (p) => import(path.join(here, '..', 'dist', 'src', 'error-recovery', p));
const { resolveOptions } = await dist('error-recovery-options.js');
const { ErrorLogWriter } = await dist('persistence/error-log.writer.js');
const { TypeOrmErrorLogStore } = await dist('persistence/typeorm-error-log.store.js');
const { createErrorRecoveryDataSource, isEmbedded } = await dist('persistence/error-recovery-data-source.js');

const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};
const EXISTING = num('WRITER_EXISTING', 0);
const ROWS = num('WRITER_ROWS', 100_000);
const ACTIONS = num('WRITER_ACTIONS', 1);
const ROUNDS = num('WRITER_ROUNDS', 3);
const url = process.env.DATABASE_URL || undefined;

const options = resolveOptions(
  {
    service: 'bench-writer',
    database: url ? { url, poolSize: 2, queryTimeoutMs: 600_000 } : { dataDir: 'memory://', embedded: true },
    writer: { maxQueue: ROWS + 1, journal: false, ...(process.env.WRITER_BATCH ? { batchSize: Number(process.env.WRITER_BATCH) } : {}) },
  },
  {},
);
const dataSource = await createErrorRecoveryDataSource(options.database, () => undefined);
const store = new TypeOrmErrorLogStore(dataSource, true, isEmbedded(options.database));

// A stack and context of the size a real Nest error has (~1.5 KB, ~300 B).
const STACK = `Error: order 42 failed\n${Array.from({ length: 14 }, (_, i) => `    at Handler${i}.run (/app/dist/src/orders/orders.service.js:${100 + i}:17)`).join('\n')}`;
const CONTEXT = { params: { id: '42' }, query: { expand: 'items' }, headers: { 'user-agent': 'autocannon', accept: 'application/json' }, body: null, userId: null };

function pending(i) {
  const id = randomUUID();
  const now = new Date();
  return {
    log: {
      id, occurredAt: now, service: 'bench-writer', environment: 'bench', errorType: 'Error', category: 'runtime', severity: 'high',
      httpStatus: 500, transient: false, message: `order ${i} failed: something broke in the handler`, stack: STACK,
      fingerprint: (i % 1000).toString(16).padStart(64, '0'), method: 'GET', route: '/orders/:id', path: `/orders/${i}`,
      requestId: randomUUID(), context: CONTEXT, resolved: false, resolvedAt: null, recoveryAttempted: ACTIONS > 0,
      recoverySuccess: ACTIONS > 0 ? false : null, recoveryStrategy: null,
    },
    actions: Array.from({ length: ACTIONS }, (_, position) => ({
      id: randomUUID(), errorLogId: id, position, strategy: 'retry', trigger: 'automatic', success: false, skipped: true,
      message: 'not transient: not retried', details: null, durationMs: 0, startedAt: now,
    })),
  };
}

async function fill(n) {
  if (n === 0) return;
  const started = Date.now();
  // Chunks of 250k keep one statement's memory and WAL bounded.
  for (let from = 0; from < n; from += 250_000) {
    const to = Math.min(n, from + 250_000);
    await dataSource.query(`
      INSERT INTO "error_logs" ("id", "occurred_at", "service", "environment", "error_type", "category", "severity",
        "http_status", "transient", "message", "stack", "fingerprint", "method", "route", "path", "request_id", "context")
      SELECT gen_random_uuid(), now() - make_interval(secs => g / 100.0), 'svc-' || (g % 20), 'production', 'Error', 'runtime',
        (ARRAY['low','medium','high','critical'])[1 + g % 4], 500, false, 'order ' || g || ' failed', $1, md5((g % 5000)::text),
        'GET', '/orders/:id', '/orders/' || g, md5(g::text), '{"params":{"id":"1"}}'::jsonb
      FROM generate_series($2::int, $3::int) AS g`, [STACK, from + 1, to]);
  }
  await dataSource.query(`ANALYZE "error_logs"`);
  console.log(`filled ${n} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function round() {
  const writer = new ErrorLogWriter(store, options);
  const batch = Array.from({ length: ROWS }, (_, i) => pending(i));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const p of batch) writer.enqueue(p);
  if (!(await writer.flush(600_000))) throw new Error(`writer did not drain: ${JSON.stringify(writer.stats())}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const stats = writer.stats();
  if (stats.written !== ROWS) throw new Error(`written ${stats.written} of ${ROWS}`);
  return { rowsPerSecond: Math.round(ROWS / seconds), seconds: +seconds.toFixed(2), nodeCpuUsPerRow: +((used.user + used.system) / ROWS).toFixed(1) };
}

try {
  await dataSource.initialize();
  if (process.env.WRITER_REUSE !== '1') {
    await dataSource.query(`DROP TABLE IF EXISTS "recovery_actions", "error_logs", "alert_outbox", "alert_dedup", "alert_bursts", "error_recovery_migrations"`);
  }
  await store.connect();
  const [{ n: before }] = await dataSource.query(`SELECT count(*)::int AS "n" FROM "error_logs"`);
  await fill(Math.max(0, EXISTING - before));
  const results = [];
  for (let r = 0; r < ROUNDS; r++) results.push(await round());
  const [{ n }] = await dataSource.query(`SELECT count(*)::int AS "n" FROM "error_logs"`);
  const sorted = results.map((r) => r.rowsPerSecond).sort((a, b) => a - b);
  console.log(JSON.stringify({
    store: url ? 'postgresql' : 'pglite', existingRows: Math.max(EXISTING, before), rowsPerRound: ROWS, actionsPerRow: ACTIONS,
    batchSize: options.writer.batchSize, rounds: results, medianRowsPerSecond: sorted[Math.floor(sorted.length / 2)], rowsAtEnd: n,
  }, null, 2));
} finally {
  await store.close();
}
