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
const { REPLAY_HEADER, sameSecret, SelfReplay } = await import('./self-replay.js');

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
