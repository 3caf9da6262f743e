import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { getPGliteInstance } from 'typeorm-pglite';
import { CircuitBreakerRegistry } from '../../src/error-recovery/state/circuit-breaker.registry.js';
import { ErrorLogWriter } from '../../src/error-recovery/persistence/error-log.writer.js';
import { pgQuery, usingPostgres } from './database.js';

/** The HTTP adapter the e2e suite runs on: `E2E_ADAPTER=fastify` (CI runs both), Express otherwise. */
export const adapterName: 'express' | 'fastify' = process.env.E2E_ADAPTER === 'fastify' ? 'fastify' : 'express';
export const onFastify = adapterName === 'fastify';

/**
 * The adapter's default request body limit, bytes: body-parser's `100kb` on Express, Fastify's
 * `bodyLimit` of 1 MiB. A larger body is refused with 413 before any route runs.
 */
export const DEFAULT_BODY_LIMIT_BYTES = onFastify ? 1024 * 1024 : 100 * 1024;

type AppOptions = Parameters<TestingModule['createNestApplication']>[0];

/** Settings that each adapter takes in its own way. */
export interface AdapterSettings {
  /**
   * Which proxies' X-Forwarded-For to believe for `request.ip` (a proxy-addr list such as
   * `'loopback'`, or `false`: none, both adapters' default). Express: `app.set('trust proxy', …)`;
   * Fastify: the adapter's `trustProxy` option, fixed when the adapter is created.
   */
  trustProxy?: string | false;
}

/**
 * `ref.createNestApplication(options)` on the suite's adapter (see {@link adapterName}). Call
 * {@link initApp} rather than `app.init()`: Fastify must also be `ready()` before supertest drives it.
 */
export async function createApp(
  ref: TestingModule,
  options: AppOptions = { logger: ['fatal'] },
  settings: AdapterSettings = {},
): Promise<INestApplication> {
  const trustProxy = settings.trustProxy ?? false;
  if (!onFastify) {
    const app = ref.createNestApplication<NestExpressApplication>(options);
    app.set('trust proxy', trustProxy);
    return app;
  }
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return ref.createNestApplication(new FastifyAdapter({ trustProxy }), options);
}

/** `app.init()`, and on Fastify `ready()`, so supertest can drive `app.getHttpServer()`. */
export async function initApp<T extends INestApplication>(app: T): Promise<T> {
  await app.init();
  if (onFastify) await (app.getHttpAdapter().getInstance() as { ready(): PromiseLike<unknown> }).ready();
  return app;
}

/** Compiles and starts a fixture app on the suite's adapter (not listening; supertest drives its server). */
export async function startApp(imports: ModuleMetadata['imports'], settings: AdapterSettings = {}): Promise<INestApplication> {
  const ref = await Test.createTestingModule({ imports }).compile();
  return initApp(await createApp(ref, undefined, settings));
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
