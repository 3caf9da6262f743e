// The module's options for each mode of the chaos app: the ONE place to change when an option is
// renamed or when the README's documented settings change.
//   with   ErrorRecoveryModule.forRoot with its defaults: only what any app must give (service name,
//          production, admin token, the store's URL) and alerting off (no channel to send to).
//   tuned  `with` plus the settings the README documents for a flaky dependency (TUNED below).
// A route timeout (scenario `slow`, variant `timeout`) is added by routeTimeout() in both modes.

export const ADMIN_TOKEN = 'chaos-token';

/**
 * "Documented settings": short retries with full jitter that fit the 5 s recovery budget, and a
 * breaker that needs a run of failures and reopens soon. Update this to what the README documents
 * once the recovery policy of issue 8 is merged; the chaos report prints it.
 */
export const TUNED = {
  retry: { maxRetries: 3, delayMs: 50, maxDelayMs: 250, backoff: 'exponential', jitter: true },
  circuitBreaker: { failureThreshold: 10, timeoutSeconds: 5, halfOpenRequests: 1 },
};

/**
 * A route timeout of `ms` for every route, through the module's option. If the option is renamed
 * (issue 8 makes route timeouts opt-in), change it here only.
 */
export function routeTimeout(ms) {
  return { parameters: { timeout_increase: { currentTimeoutMs: ms } } };
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
