import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { ErrorRecoveryModuleOptions } from '../src/error-recovery/index.js';
import { ThrottleRegistry } from '../src/error-recovery/state/throttle.registry.js';
import { ThrottleScopeModule } from './fixtures/throttle-scope.module.js';
import { actionsOf, flushed, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

/**
 * Starts the fixture app with the adapter's trust-proxy setting as given — Express `trust proxy`,
 * Fastify `trustProxy` (supertest connects from loopback).
 */
function start(trustProxy: string | false, extra: Partial<ErrorRecoveryModuleOptions> = {}): Promise<INestApplication> {
  const options = { service: uniqueService('throttle-scope'), environment: 'production', database: testDatabase(), ...extra };
  return startApp([ThrottleScopeModule.forRoot(options)], { trustProxy });
}

const from = (app: INestApplication, ip: string, path: string) => request(app.getHttpServer()).get(path).set('X-Forwarded-For', ip);

describe('request_throttle is scoped to what failed', () => {
  describe('behind a trusted proxy (trust proxy: loopback)', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start('loopback');
    });
    afterAll(async () => {
      await app.close();
    });

    it("one TypeError in a handler throttles nobody: another client's next 200 good requests all succeed", async () => {
      const bug = await from(app, '203.0.113.7', '/scope/items?id=broken').expect(500);
      expect(bug.body.error.type).toBe('TypeError');
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await from(app, '198.51.100.20', `/scope/items?id=${i}`)).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      // The bug's own client is not limited either.
      await from(app, '203.0.113.7', '/scope/items?id=1').expect(200);
      expect(app.get(ThrottleRegistry).list()).toEqual([]);
      await flushed(app);
      const actions = await actionsOf(bug.body.error.error_id as string);
      expect(actions.find((a) => a.strategy === 'request_throttle')).toMatchObject({
        skipped: true,
        message: expect.stringMatching(/^not an overload signal \(TypeError answered 500\)/),
      });
    });

    it("a client's own 4xx limits that client (by its forwarded address) and nobody else", async () => {
      await from(app, '203.0.113.66', '/scope/account?as=mallory').expect(403);
      expect(app.get(ThrottleRegistry).list()).toEqual([expect.objectContaining({ route: 'GET /scope/account', scope: 'client', client: 'ip:203.0.113.66' })]);
      await from(app, '203.0.113.66', '/scope/account').expect(200); // the burst of 1
      await from(app, '203.0.113.66', '/scope/account').expect(429);
      for (let i = 0; i < 5; i++) await from(app, '198.51.100.21', '/scope/account').expect(200);
    });
  });

  describe('with no trusted proxy (the default)', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(false);
    });
    afterAll(async () => {
      await app.close();
    });

    it('ignores X-Forwarded-For: a client cannot pose as another, nor escape its limit by changing the header', async () => {
      await from(app, '203.0.113.66', '/scope/account?as=mallory').expect(403);
      const [throttle] = app.get(ThrottleRegistry).list();
      expect(throttle.client).toMatch(/^ip:(::ffff:)?127\.0\.0\.1$|^ip:::1$/);
      await from(app, '198.51.100.99', '/scope/account').expect(200); // the burst of 1
      await from(app, '198.51.100.100', '/scope/account').expect(429);
    });
  });

  describe("with the app's clientTracker", () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await start(false, {
        clientTracker: (req) => String((req as { headers: Record<string, unknown> }).headers['x-tenant'] ?? 'anonymous'),
      });
    });
    afterAll(async () => {
      await app.close();
    });

    it('limits the tenant the tracker names, not the address', async () => {
      const as = (tenant: string, path: string) => request(app.getHttpServer()).get(path).set('X-Tenant', tenant);
      await as('acme', '/scope/account?as=mallory').expect(403);
      expect(app.get(ThrottleRegistry).list()).toEqual([expect.objectContaining({ scope: 'client', client: 'tracker:acme' })]);
      await as('acme', '/scope/account').expect(200);
      await as('acme', '/scope/account').expect(429);
      await as('globex', '/scope/account').expect(200);
      await as('globex', '/scope/account').expect(200);
    });
  });
});
