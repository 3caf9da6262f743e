import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ErrorRecoveryDatabaseOptions } from '../../src/error-recovery/index.js';

/** Real PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite in memory. */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const usingPostgres = DATABASE_URL !== undefined;

/**
 * The embedded PGlite in memory, chosen on purpose: test apps run as `environment: 'production'`,
 * where the module refuses the embedded database unless `embedded: true` says so.
 */
export const EMBEDDED_IN_MEMORY: ErrorRecoveryDatabaseOptions = { dataDir: 'memory://', embedded: true };

/** Database options for a test app. */
export function testDatabase(): ErrorRecoveryDatabaseOptions {
  return DATABASE_URL ? { url: DATABASE_URL, poolSize: 2 } : { ...EMBEDDED_IN_MEMORY };
}

/** A service name no other test uses: tests share one database and filter by service. */
export const uniqueService = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

/** Runs SQL on the real PostgreSQL with a fresh client (PG runs only). */
export async function pgQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file: on PostgreSQL a fresh schema (search_path), so the
 * outbox of this file's apps is not shared with the workers of other files; the embedded PGlite is
 * already one per test process. `table(name)` qualifies a table for raw queries.
 */
export async function isolatedDatabase(label: string): Promise<{ options: ErrorRecoveryDatabaseOptions; table: (name: string) => string }> {
  if (!DATABASE_URL) return { options: { ...EMBEDDED_IN_MEMORY }, table: (name) => `"${name}"` };
  const schema = `t_${label.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  await pgQuery(`CREATE SCHEMA "${schema}"`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { options: { url: url.toString(), poolSize: 3 }, table: (name) => `"${schema}"."${name}"` };
}
