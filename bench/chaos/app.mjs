// The app under test of the chaos suite: a Nest app that calls a downstream service with fetch and
// queries PostgreSQL through a small TypeORM pool — with or without ErrorRecoveryModule.
//   node bench/chaos/app.mjs --mode bare|with|tuned --downstream http://127.0.0.1:N
//        [--adapter express] [--port 0] [--service NAME] [--module-db URL] [--app-db URL]
//        [--route-timeout-ms MS] [--exit-with-stdin]
// Prints `READY <port>` once listening. Plain JS, Nest's decorators in their functional form, and the
// module imported from its built public barrel (dist/src/error-recovery/index.js): run `npm run build` first.
// Routes:
//   GET /api/call    fetch(downstream /data); a non-2xx answer throws UpstreamHttpError (status 5xx)
//   GET /api/pool    SELECT pg_sleep(0.5) on a pool of max 2 connections, 1 s wait for a connection
//   GET /health      200
import 'reflect-metadata';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals } from '../close-on-signals.mjs';
import { moduleOptions } from './settings.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const mode = arg('mode', 'bare');
const adapterName = arg('adapter', 'express');
const port = Number(arg('port', '0'));
const downstream = arg('downstream', 'http://127.0.0.1:1');
const service = arg('service', 'chaos');
const moduleDb = arg('module-db', process.env.DATABASE_URL);
const appDb = arg('app-db', undefined);
const routeTimeoutMs = Number(arg('route-timeout-ms', '0')) || undefined;
if (!['bare', 'with', 'tuned'].includes(mode)) {
  console.error(`--mode must be bare, with or tuned; got ${mode}`);
  process.exit(2);
}
if (mode !== 'bare' && !moduleDb) {
  console.error('--module-db (or DATABASE_URL) is required with the module: the chaos suite uses a real PostgreSQL store');
  process.exit(2);
}

/** Pool of the app's own DataSource: small, and a short wait so that exhaustion shows as errors. */
export const APP_POOL = { max: 2, connectionTimeoutMillis: 1000 };

/**
 * What an HTTP client library throws for a non-2xx answer (the shape of got's HTTPError / axios'
 * error: a numeric `status` and a `response` with it). The module reads the status from it, so a
 * 503 classifies as ServiceUnavailableError and a 502/504 as a transient APIError.
 */
class UpstreamHttpError extends Error {
  constructor(status, url) {
    super(`GET ${url} answered ${status}`);
    this.name = 'HTTPError';
    this.status = status;
    this.response = { status, url };
  }
}

const DATA_SOURCE = 'APP_DATA_SOURCE';

class ChaosController {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }

  async call() {
    const url = `${downstream}/data`;
    // fetch's own failures (refused, reset) reject with TypeError('fetch failed') and the cause's code.
    const res = await fetch(url);
    const body = await res.text();
    if (!res.ok) throw new UpstreamHttpError(res.status, url);
    return { ok: true, downstream: body.length };
  }

  async pool() {
    if (!this.dataSource) throw new Error('started without --app-db');
    await this.dataSource.query('SELECT pg_sleep(0.5)');
    return { ok: true };
  }

  health() {
    return { ok: true };
  }
}
Controller('')(ChaosController);
Inject(DATA_SOURCE)(ChaosController, undefined, 0);
for (const [method, path] of [
  ['call', 'api/call'],
  ['pool', 'api/pool'],
  ['health', 'health'],
]) {
  Get(path)(ChaosController.prototype, method, Object.getOwnPropertyDescriptor(ChaosController.prototype, method));
}

const imports = [];
const providers = [];
if (appDb) {
  // @nestjs/typeorm registers the DataSource as a provider, as an app usually does: the module
  // discovers it there (pool_increase acts on it).
  const { TypeOrmModule, getDataSourceToken } = await import('@nestjs/typeorm');
  imports.push(
    TypeOrmModule.forRoot({ type: 'postgres', url: appDb, poolSize: APP_POOL.max, extra: { connectionTimeoutMillis: APP_POOL.connectionTimeoutMillis } }),
  );
  providers.push({ provide: DATA_SOURCE, useExisting: getDataSourceToken() });
} else {
  providers.push({ provide: DATA_SOURCE, useValue: null });
}
if (mode !== 'bare') {
  const { ErrorRecoveryModule } = await import('../../dist/src/error-recovery/index.js');
  imports.push(ErrorRecoveryModule.forRoot(moduleOptions({ mode, service, databaseUrl: moduleDb, routeTimeoutMs })));
}

class AppModule {}
Module({ imports, controllers: [ChaosController], providers })(AppModule);

/** The HTTP adapter: a parameter so that Fastify can be measured too (issue 9). */
async function createAdapter(name) {
  if (name === 'express') {
    const { ExpressAdapter } = await import('@nestjs/platform-express');
    return new ExpressAdapter();
  }
  if (name === 'fastify') {
    let platform;
    try {
      platform = await import('@nestjs/platform-fastify');
    } catch {
      console.error('--adapter fastify needs @nestjs/platform-fastify installed');
      process.exit(2);
    }
    return new platform.FastifyAdapter();
  }
  console.error(`--adapter must be express or fastify; got ${name}`);
  process.exit(2);
}

const app = await NestFactory.create(AppModule, await createAdapter(adapterName), { logger: ['error', 'warn'] });
await app.listen(port, '127.0.0.1');
const actual = app.getHttpServer().address().port;

const shutdown = closeOnSignals(app, 4000);
// Started by run.mjs with a pipe on stdin: when the runner dies, the pipe closes and the app goes too.
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}

console.log(`READY ${actual}`);
