// What one bench run does: flags and environment, read once. See docs/BENCHMARKS.md for each one.
//   --quick                  a smoke run under 2 minutes (1 round, 2 s runs, no quiet wait, no repeats)
//   --only a,b               only these adapters and/or routes (express, fastify, ok, missing, boom, distinct)
//   --adapter express|fastify  same as --only <adapter>
//   --storm                  sustained error storm on the with app (BENCH_STORM_SECONDS, default 600)
//   --route boom|distinct    the storm's route (default boom)
//   --cpu-prof               the with apps run under `node --cpu-prof`; profiles are kept
export const ADAPTERS = ['express', 'fastify'];

/**
 * The measured routes. `target` is the floor for with/bare req/s; `stored` says whether each
 * answer must become exactly one row; `fingerprints` is how many distinct ones a run must store.
 */
export const ROUTES = {
  ok: { path: '/ok', status: 200, label: 'GET /ok (200 JSON)', target: 0.98, stored: false },
  missing: { path: '/missing', status: 404, label: 'NotFoundException (404, not stored)', target: 0.97, stored: false },
  boom: { path: '/boom', status: 500, label: 'throw new Error, 1 fingerprint', target: 0.9, stored: true, fingerprints: 1 },
  distinct: { path: '/boom-distinct', status: 500, label: 'throw new Error, 1,000 fingerprints', target: 0.9, stored: true, fingerprints: 1000 },
};

/** The memory and start-up budgets of the with app over the bare one. */
export const BUDGETS = { idleRssMiB: 25, peakRssMiB: 60, startupMs: 300 };

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
function option(name) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
}

const quick = flag('quick');
const num = (name, fallback, quickValue = fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : quick ? quickValue : fallback;
};
const off = (name) => process.env[name] === '0';

function selection() {
  const wanted = [option('only'), option('adapter')]
    .filter(Boolean)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().replace(/^\//, ''))
    .filter(Boolean);
  const unknown = wanted.filter((w) => !ADAPTERS.includes(w) && !(w in ROUTES));
  if (unknown.length) throw new Error(`--only/--adapter: unknown ${unknown.join(', ')} (know ${[...ADAPTERS, ...Object.keys(ROUTES)].join(', ')})`);
  const adapters = ADAPTERS.filter((a) => wanted.includes(a));
  const routes = Object.keys(ROUTES).filter((r) => wanted.includes(r));
  return { adapters: adapters.length ? adapters : ADAPTERS, routes: routes.length ? routes : Object.keys(ROUTES) };
}

const { adapters, routes } = selection();
const stormRoute = option('route') ?? 'boom';
if (!ROUTES[stormRoute]?.stored) throw new Error(`--route must be boom or distinct, got ${stormRoute}`);

export const settings = {
  quick,
  storm: flag('storm'),
  cpuProf: flag('cpu-prof'),
  adapters,
  routes,
  stormRoute,
  /** Seconds per measured run. */
  duration: num('BENCH_DURATION', 10, 2),
  rounds: Math.round(num('BENCH_ROUNDS', 3, 1)),
  /** Warm-up seconds per app and route. */
  warmup: num('BENCH_WARMUP', 2, 1),
  connections: Math.round(num('BENCH_CONNECTIONS', 50)),
  /** Seconds to wait for other processes to go quiet before each run (0: off). */
  quietWait: off('BENCH_QUIET_WAIT') || (quick && !process.env.BENCH_QUIET_WAIT) ? 0 : num('BENCH_QUIET_WAIT', 60),
  /** Times a run disturbed by other processes is repeated. */
  retries: off('BENCH_RETRIES') || (quick && !process.env.BENCH_RETRIES) ? 0 : Math.round(num('BENCH_RETRIES', 2)),
  /** Seconds without load before idle RSS is read. */
  idleWait: num('BENCH_IDLE_WAIT', 5, 2),
  stormSeconds: num('BENCH_STORM_SECONDS', 600, 20),
  /** Seconds between the storm's progress lines. */
  stormEvery: num('BENCH_STORM_EVERY', 30, 5),
  /** Longest wait for the writer to store what a run captured, s (a storm's backlog may take minutes). */
  drainTimeout: num('BENCH_DRAIN_TIMEOUT', 20),
  stormDrainTimeout: num('BENCH_STORM_DRAIN_TIMEOUT', 600, 60),
  databaseUrl: process.env.DATABASE_URL || undefined,
  alerts: process.env.BENCH_ALERTS === '1',
};

/** CPU of processes outside the benchmark and PostgreSQL (cores) above which a run counts as disturbed. */
export const BUSY_OTHER = 0.25;
export const ADMIN_HEADERS = { authorization: 'Bearer bench-token' };
/** The service name the with app on `adapter` stores its errors under (bench/app.mjs). */
export const serviceOf = (adapter) => `bench-${adapter}`;
