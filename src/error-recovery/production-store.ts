import type { ResolvedAlertsOptions } from './alerts/resolve-alerts-options.js';
import { EmbeddedDatabaseInProductionError } from './errors/embedded-database-in-production.error.js';
import type { ResolvedErrorRecoveryOptions } from './error-recovery-options.js';

/**
 * Environments where the embedded database needs `database.embedded: true`: `production` and `prod`
 * (any case). Staging, test and development names are not: the rule guards the one environment
 * whose errors must outlive the container.
 */
const PRODUCTION = new Set(['production', 'prod']);

/** True when `environment` (the option, else NODE_ENV) names production. */
export function isProductionEnvironment(environment: string): boolean {
  return PRODUCTION.has(environment.trim().toLowerCase());
}

/** Alerts that will be queued in the outbox: enabled, with at least one channel. */
function alertsUseOutbox(alerts: ResolvedAlertsOptions): boolean {
  return alerts.enabled && Boolean(alerts.smtp || alerts.webhook || alerts.slack || alerts.telegram || alerts.channels.length > 0);
}

/**
 * What would land in the embedded PGlite in production without being asked for, as a sentence
 * saying which option to set; undefined when nothing would (a real database, the app's own stores,
 * `database.embedded: true`, or not production). Pure: the start-up check and its tests share it.
 */
export function embeddedInProductionProblem(options: ResolvedErrorRecoveryOptions): string | undefined {
  const { database } = options;
  if (!isProductionEnvironment(options.environment) || database.embedded) return undefined;
  if (database.url || database.dataSource) return undefined;
  const where = database.dataDir === 'memory://' ? 'in memory (lost at every restart)' : `in the embedded PGlite in ${database.dataDir}`;
  const keep = 'or set database: { embedded: true } to keep the embedded database on purpose';
  const env = `environment is "${options.environment}"`;
  if (!options.store) {
    return `nest-error-recovery: ${env} but no database is configured, so errors would be stored ${where}. ` +
      `Set database.url (e.g. process.env.DATABASE_URL), database.dataSource or store, ${keep}.`;
  }
  if (!options.alertOutboxStore && alertsUseOutbox(options.alerts)) {
    return `nest-error-recovery: ${env} and alerts are on, but no database is configured for the alert outbox, so it would be stored ${where}. ` +
      `Set database.url, database.dataSource or alertOutboxStore, ${keep}.`;
  }
  return undefined;
}

/** Throws {@link EmbeddedDatabaseInProductionError} when {@link embeddedInProductionProblem} finds one. */
export function assertRealStoreInProduction(options: ResolvedErrorRecoveryOptions): ResolvedErrorRecoveryOptions {
  const problem = embeddedInProductionProblem(options);
  if (problem) throw new EmbeddedDatabaseInProductionError(problem);
  return options;
}
