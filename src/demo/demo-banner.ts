import type { DemoAdapter } from './demo-adapter.js';
import type { DemoAdminToken } from './demo-admin-token.js';

/** What the demo prints at start-up: where it listens, the URLs to try and how to reach the admin API. */
export function demoBanner(base: string, admin: DemoAdminToken, env: NodeJS.ProcessEnv, adapter: DemoAdapter = 'express'): string {
  // A token from the environment is a secret someone chose (and may reuse): logs must not carry it.
  // A generated one exists only for this run and nobody could use the admin API without seeing it.
  const token = admin.generated ? admin.token : `$${admin.source}`;
  const auth = admin.generated ? `-H 'Authorization: Bearer ${token}'` : `-H "Authorization: Bearer ${token}"`;
  return [
    `demo listening on ${base} on ${adapter === 'fastify' ? 'Fastify' : 'Express'} (${env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PGlite in ./data'})`,
    `  curl ${base}/demo/ok`,
    `  curl ${base}/demo/crash`,
    `  curl -i '${base}/demo/flaky?failures=2&key=a'     # recovered by retry`,
    `  curl -i '${base}/demo/flaky?failures=5&key=b'     # retries exhausted`,
    `  curl -i -X POST '${base}/demo/flaky?failures=1&key=c'  # POST is not replayed`,
    `  curl ${base}/demo/db-error`,
    `  curl -i '${base}/demo/slow?ms=1500'     # beyond its 1 s timeout: timeout_increase`,
    `  curl -i ${base}/demo/quote               # fallback: the route's own`,
    `  curl ${base}/demo/catalog/poison; curl -i ${base}/demo/catalog   # cache_clear`,
    `  curl ${base}/demo/search/disconnect; curl -i ${base}/demo/search # service_restart`,
    `  (README: a section per strategy with more)`,
    `the toolkit (README: "The toolkit: protect any call"):`,
    `  curl '${base}/demo/retry?failures=2'       # a retry preset around a flaky call`,
    `  curl '${base}/demo/toolkit/ask'; curl '${base}/demo/toolkit/models?model=primary&mode=fail'   # fallback chain of three models`,
    `  curl '${base}/demo/toolkit/price?fail=1'   # breakers.execute: fails fast after 3 failures`,
    `  curl -X POST ${base}/demo/ledger/down; curl -X POST '${base}/demo/invoices?id=inv-1'; curl -X POST ${base}/demo/ledger/up   # dead-letter queue`,
    `  curl '${base}/demo/checkpoint/o-1?failAt=3'; curl ${base}/demo/checkpoint/o-1   # a job resuming at its failed step`,
    `  curl ${base}/health/live; curl ${base}/health/ready`,
    admin.generated ? `admin token (generated for this run): ${admin.token}` : `admin token: from ${admin.source} (not printed)`,
    `  curl ${auth} ${base}/api/errors/summary`,
    `  curl ${auth} '${base}/api/errors?limit=5'`,
    `  curl ${auth} -X POST -H 'Content-Type: application/json' -d '{"error_id":"<id>"}' ${base}/api/errors/recovery/trigger`,
    `  curl ${auth} ${base}/api/errors/alerts`,
    `  curl ${auth} ${base}/api/errors/health; curl ${auth} ${base}/api/errors/dead-letters/stats`,
    env.SMTP_HOST
      ? `alerts: e-mail via ${env.SMTP_HOST}:${env.SMTP_PORT ?? 587} to ${env.ERROR_ALERT_RECIPIENTS ?? '(no ERROR_ALERT_RECIPIENTS set)'}`
      : 'alerts: off (see the README: npm run mail-catcher, then SMTP_HOST=127.0.0.1 SMTP_PORT=1025 ERROR_ALERT_RECIPIENTS=you@example.test npm start)',
  ].join('\n');
}
