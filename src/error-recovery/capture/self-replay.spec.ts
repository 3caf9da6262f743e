import { jest } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';

// Timing cannot be asserted reliably in a unit test; what makes the comparison constant-time is
// that it goes through crypto.timingSafeEqual, so that is observed (passing through to the real one).
const realCrypto = await import('node:crypto');
const compared: [string, string][] = [];
jest.unstable_mockModule('node:crypto', () => ({
  ...realCrypto,
  timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    compared.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString(), Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString()]);
    return realCrypto.timingSafeEqual(a, b);
  },
}));
const { REPLAY_HEADER, REPLAY_MAX_BYTES, sameSecret, SelfReplay } = await import('./self-replay.js');
const http = await import('node:http');

describe('sameSecret', () => {
  it.each<[string, unknown, boolean]>([
    ['the secret', 'abc123', true],
    ['a different value of the same length', 'abc124', false],
    ['a prefix', 'abc12', false],
    ['a longer value', 'abc1234', false],
    ['the empty string', '', false],
    ['an array holding the secret', ['abc123'], false],
    ['undefined', undefined, false],
    ['a value of the same UTF-16 length but another byte length', 'abc12é', false],
  ])('%s → %s', (_name, given, expected) => {
    expect(sameSecret(given, 'abc123')).toBe(expected);
  });
});

describe('SelfReplay.isReplay', () => {
  const replay = new SelfReplay({} as HttpAdapterHost);
  const token = (replay as unknown as { token: string }).token;
  const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

  it('recognises its own token and nothing else', () => {
    expect(replay.isReplay({ headers: { [REPLAY_HEADER]: token } })).toBe(true);
    expect(replay.isReplay({ headers: { [REPLAY_HEADER]: other } })).toBe(false);
    expect(replay.isReplay({ headers: {} })).toBe(false);
    expect(replay.isReplay(undefined)).toBe(false);
  });

  it('compares a token of the right length in constant time (timingSafeEqual), never with ===', () => {
    compared.length = 0;
    replay.isReplay({ headers: { [REPLAY_HEADER]: other } });
    expect(compared).toEqual([[other, token]]);
  });
});

describe('SelfReplay.forStored: redirects', () => {
  const listen = (handler: import('node:http').RequestListener): Promise<import('node:http').Server> =>
    new Promise((resolve) => {
      const server = http.createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const portOf = (server: import('node:http').Server): number => (server.address() as import('node:net').AddressInfo).port;

  it('does not follow the app\'s redirect to another host (nor send it the replay secret)', async () => {
    const seen: Record<string, unknown>[] = [];
    const elsewhere = await listen((req, res) => {
      seen.push(req.headers);
      res.end('{"from":"elsewhere"}');
    });
    const app = await listen((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${portOf(elsewhere)}/landing` });
      res.end();
    });
    try {
      const selfReplay = new SelfReplay({ httpAdapter: { getHttpServer: () => app } } as unknown as HttpAdapterHost);
      const found = selfReplay.forStored({ method: 'GET', path: '/go', context: {} } as never);
      if (!('replay' in found)) throw new Error(found.reason);
      // The redirect is the app's answer: the replay succeeded.
      await expect(found.replay()).resolves.toBe('');
      expect(seen).toEqual([]);
    } finally {
      await new Promise((resolve) => app.close(resolve));
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });
});

describe('SelfReplay.forStored: body size', () => {
  const listen = (handler: import('node:http').RequestListener): Promise<import('node:http').Server> =>
    new Promise((resolve) => {
      const server = http.createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const big = JSON.stringify({ blob: 'x'.repeat(REPLAY_MAX_BYTES) });

  it.each<[string, Record<string, string>]>([
    ['declared by content-length', { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }],
    ['streamed without a length', { 'content-type': 'application/json' }],
  ])('fails the replay of an answer over the limit (%s) with a clear message', async (_name, headers) => {
    const app = await listen((req, res) => {
      if (req.url === '/small') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      res.writeHead(200, headers);
      res.end(big);
    });
    try {
      const selfReplay = new SelfReplay({ httpAdapter: { getHttpServer: () => app } } as unknown as HttpAdapterHost);
      const replayOf = (path: string): (() => Promise<unknown>) => {
        const found = selfReplay.forStored({ method: 'GET', path, context: {} } as never);
        if (!('replay' in found)) throw new Error(found.reason);
        return found.replay;
      };
      await expect(replayOf('/big')()).rejects.toThrow(`replay of GET /big: the app's answer body`);
      await expect(replayOf('/big')()).rejects.toThrow(`over the ${REPLAY_MAX_BYTES}-byte limit`);
      await expect(replayOf('/small')()).resolves.toEqual({ ok: true });
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });
});
