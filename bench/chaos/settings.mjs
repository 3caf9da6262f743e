// The module's options for each mode of the chaos app: the ONE place to change when an option is
// renamed or when the README's documented settings change.
//   with   ErrorRecoveryModule.forRoot with its defaults: only what any app must give (service name,
//          production, admin token, the store's URL) and alerting off (no channel to send to).
//   tuned  `with` plus the settings the README documents for a flaky dependency (TUNED below).
// A route timeout (scenario `slow`, variant `timeout`) is added by routeTimeout() in both modes.

export const ADMIN_TOKEN = 'chaos-token';

/**
 * "Documented settings" (README, Recovery): one more retry for a dependency known to be flaky.
 * With 30 % independent failures, 1 + 4 attempts fail together 0.3^5 = 0.24 % of the time.
 */
export const TUNED = {
  retry: { maxRetries: 4 },
};

/** A route timeout of `ms` for every route (`routeTimeoutMs`; off by default). */
export function routeTimeout(ms) {
  return { routeTimeoutMs: ms };
}

function merge(a, b) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k], v) : v;
  }
  return out;
}

/** Options of ErrorRecoveryModule.forRoot for `mode` ('with' | 'tuned'). */
export function moduleOptions({ mode, service, databaseUrl, routeTimeoutMs }) {
  let options = {
    service,
    environment: 'production',
    adminToken: ADMIN_TOKEN,
    database: { url: databaseUrl },
    alerts: { enabled: false },
  };
  if (mode === 'tuned') options = merge(options, TUNED);
  if (routeTimeoutMs) options = merge(options, routeTimeout(routeTimeoutMs));
  return options;
}
