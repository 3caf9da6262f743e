// Benchmark app: the same two routes, with or without ErrorRecoveryModule.
//   node bench/app.mjs --mode bare|with [--port N]     (env BENCH_MODE / BENCH_PORT work too)
// Port 0 (the default) lets the OS pick a free port; the chosen one is printed as `READY <port>`.
// Plain JS: Nest's decorators are applied through their functional form, no compile step.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals } from './close-on-signals.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const mode = arg('mode', process.env.BENCH_MODE ?? 'bare');
const port = Number(arg('port', process.env.BENCH_PORT ?? '0'));
if (mode !== 'bare' && mode !== 'with') {
  console.error(`--mode must be bare or with, got ${mode}`);
  process.exit(2);
}

let n = 0;

class BenchController {
  ok() {
    return { ok: true };
  }

  boom() {
    n++;
    throw new Error('boom ' + n);
  }
}
Controller('')(BenchController);
for (const [method, path] of [
  ['ok', 'ok'],
  ['boom', 'boom'],
]) {
  Get(path)(BenchController.prototype, method, Object.getOwnPropertyDescriptor(BenchController.prototype, method));
}

const imports = [];
if (mode === 'with') {
  const { ErrorRecoveryModule } = await import('../dist/src/error-recovery/index.js');
  const url = process.env.DATABASE_URL || undefined;
  imports.push(
    ErrorRecoveryModule.forRoot({
      service: 'bench',
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

const app = await NestFactory.create(AppModule, { logger: ['error'] });
await app.listen(port, '127.0.0.1');
const actual = app.getHttpServer().address().port;

closeOnSignals(app, 3000);

console.log(`READY ${actual}`);
