import { approximateSize } from './approximate-size.js';

describe('approximateSize', () => {
  it.each([
    ['a string', 'abc'],
    ['a number', 12345],
    ['null', null],
    ['an object', { id: 1, name: 'widget', tags: ['a', 'b'], nested: { ok: true } }],
    ['an array of objects', [{ a: 1 }, { b: 'two' }]],
  ])('is close to the JSON length of %s', (_name, value) => {
    const json = JSON.stringify(value).length;
    const size = approximateSize(value, 1e9);
    expect(size).toBeGreaterThanOrEqual(json * 0.8);
    expect(size).toBeLessThanOrEqual(json * 1.5 + 4);
  });

  it('stops at the cap and answers cap + 1', () => {
    expect(approximateSize('x'.repeat(1000), 100)).toBe(101);
    expect(approximateSize(new Array(1_000_000).fill(0), 100)).toBe(101);
    expect(approximateSize({ a: 'x'.repeat(50), b: 'y'.repeat(50) }, 60)).toBe(61);
  });

  it('counts the bytes of Buffers and a cycle once', () => {
    expect(approximateSize(Buffer.alloc(500), 1e9)).toBe(500);
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(approximateSize(cyclic, 1e9)).toBeLessThan(30);
  });
});
