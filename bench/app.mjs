// Benchmark app: the same routes, with or without ErrorRecoveryModule, on Express or Fastify.
//   node bench/app.mjs --mode bare|with --adapter express|fastify [--port N]
//   (env BENCH_MODE / BENCH_ADAPTER / BENCH_PORT work too)
// Port 0 (the default) lets the OS pick a free port; the bound one is printed as `READY <port>`.
// Started by bench/run.mjs with an IPC channel: a `usage` message is answered with this process's
// CPU time and memory, so the runner measures CPU per request without a route of its own in the app.
// Plain JS: Nest's decorators are applied through their functional form, no compile step.
import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals } from './close-on-signals.mjs';
import { distinctThrowers } from './distinct-throwers.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const mode = arg('mode', process.env.BENCH_MODE ?? 'bare');
const adapter = arg('adapter', process.env.BENCH_ADAPTER ?? 'express');
const port = Number(arg('port', process.env.BENCH_PORT ?? '0'));
if (mode !== 'bare' && mode !== 'with') {
  console.error(`--mode must be bare or with, got ${mode}`);
  process.exit(2);
}
if (adapter !== 'express' && adapter !== 'fastify') {
  console.error(`--adapter must be express or fastify, got ${adapter}`);
  process.exit(2);
}

const throwers = distinctThrowers(1000);

class BenchController {
  /** Success path: 200 JSON. */
  ok() {
    return { ok: true };
  }

  /** An HttpException the module answers and does not store (404). */
  missing() {
    throw new NotFoundException('no such thing');
  }

  /** One error, one fingerprint: the message's number is normalised away. */
  boom() {
    throw new Error('boom 42');
  }

  /** 1,000 fingerprints: `?k=` picks one of 1,000 throwers that differ in name and message. */
  boomDistinct(k) {
    throwers[(Number(k) >>> 0) % throwers.length]();
  }
}
Controller('')(BenchController);
for (const [method, path] of [
  ['ok', 'ok'],
  ['missing', 'missing'],
  ['boom', 'boom'],
  ['boomDistinct', 'boom-distinct'],
]) {
  Get(path)(BenchController.prototype, method, Object.getOwnPropertyDescriptor(BenchController.prototype, method));
}
Query('k')(BenchController.prototype, 'boomDistinct', 0);

const imports = [];
if (mode === 'with') {
  const { ErrorRecoveryModule } = await import('../dist/src/error-recovery/index.js');
  const url = process.env.DATABASE_URL || undefined;
  imports.push(
    ErrorRecoveryModule.forRoot({
      // One service per adapter: the runner counts each app's rows apart in the shared table.
      service: `bench-${adapter}`,
      environment: 'production',
      adminToken: 'bench-token',
      database: url ? { url } : { dataDir: 'memory://', embedded: true },
      // BENCH_ALERT_WEBHOOK (set by run.mjs with BENCH_ALERTS=1): alerting on, to a loopback receiver.
      // The bench's errors classify as `low`, which is silent by default: turned on here so the error
      // alerts themselves go out too (deduplicated to one per fingerprint and window).
      alerts: process.env.BENCH_ALERT_WEBHOOK
        ? { webhook: { url: process.env.BENCH_ALERT_WEBHOOK, secret: 'bench' }, bySeverity: { low: ['bench@example.test'] } }
        : { enabled: false },
    }),
  );
}

class AppModule {}
Module({ imports, controllers: [BenchController] })(AppModule);

async function createApp() {
  if (adapter === 'express') return NestFactory.create(AppModule, { logger: ['error'] });
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error'] });
}

const app = await createApp();
await app.listen(port, '127.0.0.1');
const actual = app.getHttpServer().address().port;

const shutdown = closeOnSignals(app, 3000);
// The runner died (or closed the channel): do not linger.
process.on('disconnect', shutdown);

// The runner's questions about this process (only when started with an IPC channel).
process.on('message', (message) => {
  if (message?.type !== 'usage') return;
  const cpu = process.cpuUsage();
  process.send?.({ type: 'usage', id: message.id, cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage.rss() });
});

console.log(`READY ${actual}`);
