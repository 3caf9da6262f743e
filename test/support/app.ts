import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getPGliteInstance } from 'typeorm-pglite';
import { CircuitBreakerRegistry, ErrorLogWriter } from '../../src/error-recovery/index.js';
import { pgQuery, usingPostgres } from './database.js';

/** Compiles and starts a fixture app (not listening; supertest drives its server). */
export async function startApp(imports: ModuleMetadata['imports']): Promise<INestApplication> {
  const ref = await Test.createTestingModule({ imports }).compile();
  const app = ref.createNestApplication({ logger: ['fatal'] });
  await app.init();
  return app;
}

/** Waits for the app's writer to store everything queued. */
export async function flushed(app: INestApplication): Promise<void> {
  const drained = await app.get(ErrorLogWriter).flush(10_000);
  if (!drained) throw new Error(`writer did not drain: ${JSON.stringify(app.get(ErrorLogWriter).stats())}`);
}

/** Raw SQL against the database the test app writes to (PostgreSQL or the embedded PGlite). */
export async function rawQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (usingPostgres) return pgQuery<T>(sql, params);
  const db = await getPGliteInstance();
  return (await db.query<T>(sql, params)).rows;
}

/** The stored rows of one service, oldest first, as raw column values. */
export const rowsOf = (service: string): Promise<Record<string, unknown>[]> =>
  rawQuery(`SELECT * FROM error_logs WHERE service = $1 ORDER BY occurred_at, id`, [service]);

/** The actions of one error, in order. */
export const actionsOf = (errorId: string): Promise<Record<string, unknown>[]> =>
  rawQuery(`SELECT * FROM recovery_actions WHERE error_log_id = $1 ORDER BY position`, [errorId]);

/** Closes every circuit breaker of the app (tests that are not about breakers start clean). */
export function resetBreakers(app: INestApplication): void {
  const breakers = app.get(CircuitBreakerRegistry);
  for (const b of breakers.list()) breakers.reset(b.name);
}
