import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Clock } from '../src/error-recovery/index.js';
import { DegradationModule, switches } from './fixtures/degradation.module.js';
import { actionsOf, flushed, rawQuery, startApp } from './support/app.js';
import { testDatabase, uniqueService } from './support/database.js';

const clock = { t: Date.parse('2026-11-22T12:00:00Z'), now() { return this.t; }, sleep: async () => undefined } satisfies Clock & { t: number };
const auth = { Authorization: 'Bearer t' };

/** The fallback deployment: a real server on loopback that records what it receives. */
function upstream(): Promise<{ server: http.Server; url: string; received: http.IncomingHttpHeaders[]; paths: string[] }> {
  const received: http.IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.headers);
    paths.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ from: 'upstream' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, paths })));
}

/** Sends `text` over a raw socket (for request lines supertest cannot write) and resolves with the whole answer. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('degradation strategies', () => {
  let app: INestApplication;
  let up: Awaited<ReturnType<typeof upstream>>;

  beforeAll(async () => {
    up = await upstream();
    app = await startApp([
      DegradationModule.forRoot({
        service: uniqueService('degrade'),
        environment: 'production',
        adminToken: 't',
        database: testDatabase(),
        clock,
        parameters: { fallback: { upstreamUrl: up.url } },
      }),
    ]);
  });
  afterAll(async () => {
    await app.close();
    up.server.close();
  });
  const get = (path: string) => request(app.getHttpServer()).get(path);
  const effects = async () => (await get('/api/errors/recovery/effects').set(auth).expect(200)).body;

  describe('timeout_increase', () => {
    it('raises the timeout of a route that timed out, serves the run still going under it, and keeps it for the cool-down', async () => {
      const calls = switches.calls.slow;
      const res = await get('/t/slow?ms=200').expect(200, { waited: 200 });
      expect(res.headers['x-recovery']).toBe('timeout_increase');
      // The request that timed out was served by its own run: the handler ran once, not again.
      expect(switches.calls.slow).toBe(calls + 1);
      await flushed(app);
      const [row] = await rawQuery<{ resolved: boolean; recovery_strategy: string }>('SELECT resolved, recovery_strategy FROM error_logs WHERE id = $1', [res.headers['x-error-id']]);
      expect(row).toEqual({ resolved: true, recovery_strategy: 'timeout_increase' });
      const actions = await actionsOf(res.headers['x-error-id']);
      expect(actions.map((a) => [a.success, a.message])).toEqual([
        [true, 'timeout of GET /t/slow 100 → 300 ms for 300 s'],
        [true, 'the run that timed out answered under the raised timeout (waited up to 300 ms)'],
      ]);
      expect((await effects()).timeouts).toEqual([expect.objectContaining({ route: 'GET /t/slow', base_ms: 100, current_ms: 300 })]);
      // The next slow request fits in the raised timeout: no error at all.
      const next = await get('/t/slow?ms=150').expect(200);
      expect(next.headers['x-error-id']).toBeUndefined();
    });

    it('decays back after the cool-down', async () => {
      clock.t += 300_001;
      expect((await effects()).timeouts).toEqual([]);
      const res = await get('/t/slow?ms=150').expect(200);
      expect(res.headers['x-recovery']).toBe('timeout_increase'); // timed out at 100 ms again, raised again
    });
  });

  describe('request_throttle', () => {
    it('limits the route after it failed: burst, then 429 with Retry-After, refilled at the rate', async () => {
      const failed = await get('/t/busy?fail=1').expect(503);
      expect(failed.body.recovery.actions).toEqual([{ strategy: 'request_throttle', success: true, skipped: false }]);
      await get('/t/busy').expect(200);
      await get('/t/busy').expect(200);
      const refused = await get('/t/busy').expect(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toMatchObject({ error: { type: 'RateLimitError', error_id: null } });
      expect((await effects()).throttles).toEqual([expect.objectContaining({ route: 'GET /t/busy', requests_per_minute: 60, burst_size: 2, rejected: 1 })]);
      clock.t += 1000; // one token per second
      await get('/t/busy').expect(200);
      await get('/t/busy').expect(429);
    });

    it('limits only the caller when the caller caused the error (403), never the whole route', async () => {
      await get('/t/account').set('x-user', 'mallory').expect(403);
      for (let i = 0; i < 5; i++) await get('/t/account').set('x-user', 'alice').expect(200);
      const throttled = (await effects()).throttles as { route: string; scope: string; client: string }[];
      expect(throttled).toContainEqual(expect.objectContaining({ route: 'GET /t/account', scope: 'client', client: 'user:mallory' }));
      await get('/t/account').set('x-user', 'mallory').expect(403); // the burst of 1
      await get('/t/account').set('x-user', 'mallory').expect(429);
      await get('/t/account').set('x-user', 'alice').expect(200);
    });

    it('lifts by itself after the cool-down', async () => {
      clock.t += 60_000;
      for (let i = 0; i < 5; i++) await get('/t/busy').expect(200);
      expect((await effects()).throttles).toEqual([]);
    });
  });

  describe('fallback', () => {
    it("serves the route's own fallback, marked degraded", async () => {
      const res = await get('/t/quote').expect(200, { quote: 'cached', because: 'read ECONNRESET' });
      expect(res.headers).toMatchObject({ 'x-recovery': 'fallback', 'x-degraded': 'true' });
      await flushed(app);
      expect((await actionsOf(res.headers['x-error-id'])).map((a) => [a.strategy, a.success, a.message])).toEqual([
        ['fallback', true, "served the route's own fallback"],
      ]);
    });

    it('serves the last good response of the same GET route and query, with its age', async () => {
      switches.priceDown = false;
      await get('/t/price?sku=1').set('x-n', 'first').expect(200, { sku: '1', price: 10, n: 'first' });
      switches.priceDown = true;
      clock.t += 7000;
      const stale = await get('/t/price?sku=1').expect(200, { sku: '1', price: 10, n: 'first' });
      expect(stale.headers).toMatchObject({ 'x-recovery': 'fallback-stale', 'x-degraded': 'true', age: '7' });
      switches.priceDown = false;
    });

    it('keeps serving the last good response while the breaker is open, as when the handler failed, not a 503', async () => {
      switches.priceDown = false;
      await get('/t/stale-guarded?sku=2').expect(200, { sku: '2', price: 12 });
      switches.priceDown = true;
      try {
        // The handler fails; the stale answer serves it, and the breaker opens (a failure only a fallback answered).
        await get('/t/stale-guarded?sku=2').expect(200, { sku: '2', price: 12 });
        clock.t += 1000;
        const open = await get('/t/stale-guarded?sku=2').expect(200, { sku: '2', price: 12 });
        expect(open.headers).toMatchObject({ 'x-recovery': 'fallback-stale', 'x-degraded': 'true', age: '1' });
        // Nothing kept for this query: the breaker's 503.
        await get('/t/stale-guarded?sku=3').expect(503);
      } finally {
        switches.priceDown = false;
      }
    });

    it('never keeps a streamed answer (it can be sent once): a failure later gets the normal error answer, not an empty degraded 200', async () => {
      switches.fileDown = false;
      await get('/t/file').expect(200, 'file body');
      switches.fileDown = true;
      try {
        const res = await get('/t/file').timeout(3000).expect(503);
        expect(res.headers['x-recovery']).toBeUndefined();
      } finally {
        switches.fileDown = false;
      }
    });

    it('never keeps responses to authenticated requests', async () => {
      await get('/t/price?sku=9').set('Authorization', 'Bearer user').expect(200);
      switches.priceDown = true;
      const res = await get('/t/price?sku=9').set('Authorization', 'Bearer user').expect(200);
      // Not the stale copy: the answer came from the upstream instead.
      expect(res.headers['x-recovery']).toBe('fallback-upstream');
      switches.priceDown = false;
    });

    it('never keeps responses to requests carrying any credential, such as an API key', async () => {
      switches.priceDown = false;
      await get('/t/price?sku=k').set('X-Api-Key', 'k-alice').expect(200);
      switches.priceDown = true;
      const res = await get('/t/price?sku=k').set('X-Api-Key', 'k-bob').expect(200);
      expect(res.headers['x-recovery']).toBe('fallback-upstream'); // not alice's response
      switches.priceDown = false;
    });

    it('forwards to the fallback upstream without credentials', async () => {
      const res = await get('/t/forwarded?q=1').set('Authorization', 'Bearer secret').set('Cookie', 'sid=1').set('Accept', 'application/json').expect(200, { from: 'upstream' });
      expect(res.headers).toMatchObject({ 'x-recovery': 'fallback-upstream', 'x-degraded': 'true' });
      expect(up.paths.at(-1)).toBe('GET /t/forwarded?q=1');
      expect(up.received.at(-1)).toMatchObject({ accept: 'application/json' });
      expect(up.received.at(-1)).not.toHaveProperty('authorization');
      expect(up.received.at(-1)).not.toHaveProperty('cookie');
    });

    it('forwards only the path and query to the configured upstream, never to a host named in the request line', async () => {
      const other = await upstream();
      try {
        const server = app.getHttpServer() as http.Server;
        if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        // Absolute form, as a proxy-style client may send it: the origin is the client's choice.
        const raw = await rawRequest(port, `GET ${other.url}/t/forwarded?q=ssrf HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
        expect(raw).toMatch(/^HTTP\/1\.1 200 /);
        expect(other.paths).toEqual([]);
        expect(up.paths.at(-1)).toBe('GET /t/forwarded?q=ssrf');
      } finally {
        other.server.close();
      }
    });

    it('does not forward an upstream answer over the body limit: a failed step and the normal error answer', async () => {
      const res = await get('/t/forwarded-small').expect(503);
      expect(res.headers['x-recovery']).toBeUndefined();
      await flushed(app);
      const [step] = await actionsOf(res.headers['x-error-id']);
      expect([step.strategy, step.success]).toEqual(['fallback', false]);
      expect(step.message).toMatch(/^fallback upstream failed: .*over the 8-byte limit$/);
    });

    it('does not count a route fallback that returns undefined as served: the client gets the normal error answer', async () => {
      const res = await get('/t/empty-fallback').expect(503);
      expect(res.text).not.toBe('');
      expect(res.headers['x-recovery']).toBeUndefined();
      await flushed(app);
      expect((await actionsOf(res.headers['x-error-id'])).map((a) => [a.strategy, a.success, a.message])).toEqual([
        ['fallback', false, 'route fallback returned nothing (undefined); not served'],
      ]);
    });

    it('answers with the fallback while the breaker is open, without running the handler', async () => {
      const first = await get('/t/guarded').expect(503);
      expect(first.body.recovery.actions).toEqual([{ strategy: 'circuit_break', success: true, skipped: false }]);
      const calls = switches.calls.quote;
      const res = await get('/t/guarded').expect(200, { quote: 'cached', because: 'Circuit breaker "GET /t/guarded" is open; retry in 5 s.' });
      expect(res.headers).toMatchObject({ 'x-recovery': 'fallback', 'x-degraded': 'true' });
      expect(switches.calls.quote).toBe(calls);
    });
  });
});
