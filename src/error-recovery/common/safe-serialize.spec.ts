import { safeSerialize, truncate } from './safe-serialize.js';

describe('truncate', () => {
  it.each<[string, number, string]>([
    ['short', 10, 'short'],
    ['exactly', 7, 'exactly'],
    ['abcdefgh', 3, 'abc…[truncated 5 chars]'],
    ['a😀b', 2, 'a…[truncated 3 chars]'],
  ])('truncate(%p, %p)', (input, max, expected) => {
    expect(truncate(input, max)).toBe(expected);
  });
});

describe('safeSerialize', () => {
  it.each<[string, unknown, unknown]>([
    ['null', null, null],
    ['undefined at top level', undefined, null],
    ['boolean', true, true],
    ['number', 1.5, 1.5],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['BigInt', 123n, '123'],
    ['symbol', Symbol('tag'), 'Symbol(tag)'],
    ['named function', function handler(): void {}, '[Function handler]'],
    ['arrow function', () => 1, '[Function anonymous]'],
    ['Date', new Date('2024-01-02T03:04:05.000Z'), '2024-01-02T03:04:05.000Z'],
    ['invalid Date', new Date('nope'), 'Invalid Date'],
    ['Buffer', Buffer.from('hello'), '[Buffer 5 bytes]'],
    ['typed array', new Uint16Array(4), '[Buffer 8 bytes]'],
    ['ArrayBuffer', new ArrayBuffer(3), '[Buffer 3 bytes]'],
    ['Error', Object.assign(new TypeError('bad'), { code: 'E_BAD' }), { name: 'TypeError', message: 'bad', code: 'E_BAD' }],
    ['Map', new Map<unknown, unknown>([['a', 1], [2, 'b']]), { a: 1, 2: 'b' }],
    ['Set', new Set([1, 'x']), [1, 'x']],
    ['undefined properties dropped', { a: undefined, b: 1 }, { b: 1 }],
    ['undefined array items become null', [undefined, 1], [null, 1]],
    ['toJSON honoured', { toJSON: () => ({ v: 1 }) }, { v: 1 }],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }],
  ])('%s', (_label, input, expected) => {
    expect(safeSerialize(input)).toEqual(expected);
  });

  it('marks circular references without dropping shared ones', () => {
    const shared = { s: 1 };
    const root: Record<string, unknown> = { a: shared, b: shared };
    root.self = root;
    root.list = [root];
    expect(safeSerialize(root)).toEqual({ a: { s: 1 }, b: { s: 1 }, self: '[Circular]', list: ['[Circular]'] });
  });

  it('turns throwing getters and Proxy traps into [Unreadable]', () => {
    const obj = { ok: 1 };
    Object.defineProperty(obj, 'bad', { enumerable: true, get: () => { throw new Error('no'); } });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
    expect(safeSerialize({ obj, proxy })).toEqual({ obj: { ok: 1, bad: '[Unreadable]' }, proxy: '[Unreadable]' });
  });

  it('does not throw on a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(safeSerialize(proxy)).toBe('[Unreadable]');
  });

  it('applies depth, string, key and array limits', () => {
    const deep = { a: { b: { c: { d: 1 } } } };
    expect(safeSerialize(deep, { maxDepth: 2 })).toEqual({ a: { b: '[Object]' } });
    expect(safeSerialize('x'.repeat(30), { maxStringLength: 10 })).toBe('xxxxxxxxxx…[truncated 20 chars]');
    const wide = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(safeSerialize(wide, { maxKeys: 2 })).toEqual({ k0: 0, k1: 1, '…': '[3 more keys]' });
    expect(safeSerialize([1, 2, 3, 4], { maxArrayLength: 2 })).toEqual([1, 2, '…[2 more items]']);
    expect(safeSerialize(new Set([1, 2, 3]), { maxArrayLength: 1 })).toEqual([1, '…[2 more items]']);
  });

  it('bounds the total work on a wide and deep tree', () => {
    const make = (depth: number): unknown =>
      depth === 0 ? 'leaf' : Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, make(depth - 1)]));
    const result = JSON.stringify(safeSerialize(make(3), { maxNodes: 200 }));
    expect(result).toContain('[Truncated]');
  });

  it('keeps a __proto__ key as data', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const out = safeSerialize(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });

  it('produces data that survives JSON round-trip', () => {
    const value = { big: 1n, when: new Date(0), fn: Math.max, nested: [new Map([['k', new Set([1])]])] };
    const out = safeSerialize(value);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});
