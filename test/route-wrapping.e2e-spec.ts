import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { type ApplicationConfig } from '@nestjs/core';
import request from 'supertest';
import type { Clock } from '../src/error-recovery/index.js';
import { CircuitBreakerRegistry } from '../src/error-recovery/state/circuit-breaker.registry.js';
import { API_OPERATION, calls, WrappingModule } from './fixtures/wrapping.module.js';
import { startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/** Retry delays take no time. */
const clock: Clock = { now: () => Date.now(), sleep: async () => undefined };

type AppInternals = { config: ApplicationConfig; container: { getModules(): Map<string, { controllers: Map<unknown, { instance: Record<string, unknown> }> }> } };

/** The app's instance of the fixture controller (the router calls its own properties). */
function controllerOf(app: INestApplication): Record<string, unknown> {
  for (const module of (app as unknown as AppInternals).container.getModules().values()) {
    for (const wrapper of module.controllers.values()) if (typeof wrapper.instance?.guarded === 'function') return wrapper.instance;
  }
  throw new Error('controller not found');
}

describe('route handlers wrapped at start-up (no global interceptor)', () => {
  let app: INestApplication;
  let second: INestApplication;

  beforeAll(async () => {
    const options = { service: uniqueService('wrapping'), environment: 'production', database: testDatabase(), clock } as const;
    app = await startApp([WrappingModule.forRoot(options)]);
    // A second app of the same classes in the same process: each wraps its own controller instance.
    second = await startApp([WrappingModule.forRoot(options)]);
  });
  afterAll(async () => {
    await app.close();
    await second.close();
  });

  it('registers no global interceptor', () => {
    const config = (app as unknown as AppInternals).config;
    expect(config.getGlobalInterceptors()).toEqual([]);
    expect(config.getGlobalRequestInterceptors()).toEqual([]);
  });

  it("keeps the app's guard, pipe and Swagger-style metadata on a wrapped route", async () => {
    const server = app.getHttpServer();
    await request(server).get('/w/guarded/7').expect(403);
    const res = await request(server).get('/w/guarded/7').set('x-pass', 'yes').expect(200, { id: 7, type: 'number' });
    expect(res.headers['x-operation']).toBe('one item');
    await request(server).get('/w/guarded/seven').set('x-pass', 'yes').expect(400);
    const instance = controllerOf(app);
    expect(Object.prototype.hasOwnProperty.call(instance, 'guarded')).toBe(true);
    expect(Reflect.getMetadata(API_OPERATION, instance.guarded as object)).toEqual({ summary: 'one item' });
  });

  it("recovers on a wrapped route; the app's interceptor wraps the recovered answer like any other", async () => {
    calls.flaky = 0;
    const res = await request(app.getHttpServer()).get('/w/flaky').expect(200, { data: { ok: true } });
    expect(res.headers['x-recovery']).toBe('retry');
    expect(res.headers['x-error-id']).toBeDefined();
    expect(calls.flaky).toBe(2);
  });

  it('each app wraps its own instance, once: a handler runs once per request in both', async () => {
    const before = calls.guarded;
    await request(app.getHttpServer()).get('/w/guarded/1').set('x-pass', 'yes').expect(200);
    await request(second.getHttpServer()).get('/w/guarded/2').set('x-pass', 'yes').expect(200, { id: 2, type: 'number' });
    expect(calls.guarded - before).toBe(2);
    expect(controllerOf(app).guarded).not.toBe(controllerOf(second).guarded);
  });

  it('hands rest parameters exactly the declared arguments', async () => {
    await request(app.getHttpServer()).get('/w/rest?a=x').expect(200, { a: 'x', more: 0, args: 1 });
  });

  it('keeps @Res() manual and @Res({ passthrough: true }) routes as they were', async () => {
    await request(app.getHttpServer()).get('/w/manual').expect(203, { manual: true });
    const res = await request(app.getHttpServer()).get('/w/passthrough').expect(200, { passthrough: true });
    expect(res.headers['x-own']).toBe('yes');
  });

  it('declares one response argument per method, whatever the number of apps', () => {
    const Controller = controllerOf(app).constructor;
    const keys = Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, Controller, 'ok') as object);
    expect(keys).toEqual(['1:0']);
  });

  it('creates no breaker state for healthy routes', async () => {
    const server = app.getHttpServer();
    for (let i = 0; i < 20; i++) await request(server).get('/w/ok').expect(200, { ok: true });
    expect(app.get(CircuitBreakerRegistry).list()).toEqual([]);
    expect(app.get(CircuitBreakerRegistry).idle).toBe(true);
  });
});
