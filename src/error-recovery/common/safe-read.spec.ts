import { runInNewContext } from 'node:vm';
import {
  callMethod, causeChain, constructorName, isArray, isErrorValue, readNumber, readProp, readString,
} from './safe-read.js';

const throwing = (): object =>
  Object.defineProperty({}, 'x', {
    get(): never {
      throw new Error('no');
    },
  });

describe('safe reads', () => {
  it('never throw on getters, primitives or revoked proxies', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(readProp(throwing(), 'x')).toBeUndefined();
    expect(readProp(null, 'x')).toBeUndefined();
    expect(readProp(proxy, 'x')).toBeUndefined();
    expect(isArray(proxy)).toBe(false);
    expect(constructorName(proxy)).toBeUndefined();
    expect(callMethod({ m: (): never => { throw new Error('no'); } }, 'm')).toBeUndefined();
  });

  it('narrows types', () => {
    expect(readString({ a: 1 }, 'a')).toBeUndefined();
    expect(readNumber({ a: Number.NaN }, 'a')).toBeUndefined();
    expect(readNumber({ a: 3 }, 'a')).toBe(3);
    expect(callMethod({ m: () => 4 }, 'm')).toBe(4);
  });

  it.each<[string, unknown, boolean]>([
    ['Error', new Error('x'), true],
    ['Error from another realm', runInNewContext('new TypeError("x")'), true],
    ['DOMException', new DOMException('x', 'AbortError'), true],
    ['error-shaped object', { name: 'Error', message: 'x' }, false],
    ['null-prototype object', Object.create(null), false],
    ['string', 'x', false],
  ])('isErrorValue(%s) → %p', (_label, value, expected) => {
    expect(isErrorValue(value)).toBe(expected);
  });

  it('walks at most two causes and stops at cycles', () => {
    const c = new Error('c');
    const b = new Error('b', { cause: c });
    const a = new Error('a', { cause: b });
    expect(causeChain(new Error('top', { cause: a }))).toHaveLength(3);
    (c as { cause?: unknown }).cause = a;
    expect(causeChain(a, 10)).toEqual([a, b, c]);
    expect(causeChain('x')).toEqual([]);
  });
});
