// A storm against the writer alone, with the database cut for a while in the middle: errors are
// fed at a steady rate, the TCP path to PostgreSQL is cut from STORM_CUT_AT to STORM_CUT_UNTIL, and
// at the end every accepted error must be stored exactly once (0 dropped), through the journal.
//   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/er_bench node bench/writer-storm.mjs
// Env: STORM_SECONDS (default 120), STORM_RATE (errors/s, default 1500), STORM_CUT_AT / STORM_CUT_UNTIL
// (s, default 30 / 60; equal values: no cut).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (p) => import(path.join(here, '..', 'dist', 'src', 'error-recovery', p));
const { resolveOptions } = await dist('error-recovery-options.js');
const { ErrorLogWriter } = await dist('persistence/error-log.writer.js');
const { TypeOrmErrorLogStore } = await dist('persistence/typeorm-error-log.store.js');
const { createErrorRecoveryDataSource } = await dist('persistence/error-recovery-data-source.js');

const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const SECONDS = env('STORM_SECONDS', 120);
const RATE = env('STORM_RATE', 1500);
const CUT_AT = env('STORM_CUT_AT', 30);
const CUT_UNTIL = env('STORM_CUT_UNTIL', 60);
const target = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/er_bench');

// A TCP proxy that can be cut: the database "goes away" for the writer only.
const sockets = new Set();
let cut = false;
const proxy = net.createServer((client) => {
  if (cut) return client.destroy();
  const upstream = net.connect(Number(target.port || 5432), target.hostname);
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  }
  client.pipe(upstream).pipe(client);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const viaProxy = new URL(target);
viaProxy.hostname = '127.0.0.1';
viaProxy.port = String(proxy.address().port);

const service = `storm-${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'er-storm-journal-'));
const options = resolveOptions(
  { service, database: { url: viaProxy.toString(), connectTimeoutMs: 1000 }, writer: { journal: { dir }, maxRetryDelayMs: 1000 } },
  {},
);
const store = new TypeOrmErrorLogStore(await createErrorRecoveryDataSource(options.database, () => undefined), true);
const writer = new ErrorLogWriter(store, options);
await writer.onModuleInit();

const STACK = `Error: storm\n${Array.from({ length: 14 }, (_, i) => `    at Handler${i}.run (/app/dist/src/orders/orders.service.js:${100 + i}:17)`).join('\n')}`;
const entry = (i) => {
  const id = randomUUID();
  const now = new Date();
  return {
    log: {
      id, occurredAt: now, service, environment: 'bench', errorType: 'Error', category: 'runtime', severity: 'high', httpStatus: 500,
      transient: false, message: `storm ${i}`, stack: STACK, fingerprint: 'f'.repeat(64), method: 'GET', route: '/orders/:id',
      path: `/orders/${i}`, requestId: null, context: { params: { id: String(i) } }, resolved: false, resolvedAt: null,
      recoveryAttempted: false, recoverySuccess: null, recoveryStrategy: null,
    },
    actions: [],
  };
};

let sent = 0;
let accepted = 0;
let peakRss = 0;
let peakJournal = 0;
const started = Date.now();
const samples = [];
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000;
    if (elapsed >= SECONDS) {
      clearInterval(tick);
      resolve();
      return;
    }
    const shouldCut = elapsed >= CUT_AT && elapsed < CUT_UNTIL;
    if (shouldCut && !cut) {
      cut = true;
      for (const s of sockets) s.destroy();
    } else if (!shouldCut && cut) cut = false;
    // Catch up with the rate (timers on a busy machine fire late).
    const due = Math.floor(elapsed * RATE) - sent;
    for (let i = 0; i < due; i++) if (writer.enqueue(entry(sent++))) accepted++;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const s = writer.stats();
    peakJournal = Math.max(peakJournal, s.journal?.bytes ?? 0);
    if (samples.length < elapsed / 10) samples.push({ t: Math.round(elapsed), mode: s.mode, waiting: s.queued, journalMB: +((s.journal?.bytes ?? 0) / 1e6).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1e6) });
  }, 10);
});
const fedFor = (Date.now() - started) / 1000;
const drainedAt = Date.now();
const drained = await writer.flush(300_000);
const catchUp = (Date.now() - drainedAt) / 1000;
const stats = writer.stats();
const { default: pg } = await import('pg');
const client = new pg.Client({ connectionString: target.toString() });
await client.connect();
const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM error_logs WHERE service = $1', [service])).rows;
await client.query('DELETE FROM error_logs WHERE service = $1', [service]);
await client.end();
await writer.finalDrain();
proxy.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  seconds: +fedFor.toFixed(1), rate: RATE, cut: CUT_UNTIL > CUT_AT ? `${CUT_AT}-${CUT_UNTIL} s` : 'none', sent, accepted, stored: n,
  dropped: stats.dropped, drained, catchUpSeconds: +catchUp.toFixed(1), journal: stats.journal, peakJournalMB: +(peakJournal / 1e6).toFixed(1),
  peakRssMB: Math.round(peakRss / 1e6), samples,
}, null, 2));
