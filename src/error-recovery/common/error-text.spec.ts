import { capStack, messageOf, stackOf } from './error-text.js';

describe('messageOf', () => {
  it.each<[string, unknown, string]>([
    ['Error', new Error('boom'), 'boom'],
    ['string', 'plain', 'plain'],
    ['bigint', 5n, '5'],
    ['object', { a: 1, token: 't' }, '{"a":1,"token":"[Filtered]"}'],
    ['array', [1, 'x'], '[1,"x"]'],
  ])('%s', (_label, value, expected) => {
    expect(messageOf(value, 100)).toBe(expected);
  });

  it('caps before returning', () => {
    expect(messageOf(new Error('z'.repeat(1000)), 10)).toBe('zzzzzzzzzz…[truncated 990 chars]');
    expect(messageOf('z'.repeat(1000), 10)).toHaveLength(10 + '…[truncated 990 chars]'.length);
  });
});

describe('capStack', () => {
  it('keeps short stacks unchanged', () => {
    expect(capStack('Error: x\n    at f (a.ts:1:1)', 100)).toBe('Error: x\n    at f (a.ts:1:1)');
  });

  it('keeps the head and the frames of a long stack', () => {
    const frames = Array.from({ length: 10 }, (_, i) => `    at f${i} (/app/src/a.ts:${i}:1)`).join('\n');
    const stack = `Error: ${'m'.repeat(100_000)}\n${frames}`;
    const capped = capStack(stack, 1000);
    expect(capped.length).toBeLessThan(1100);
    expect(capped.startsWith('Error: mmm')).toBe(true);
    expect(capped).toContain('    at f9 (/app/src/a.ts:9:1)');
    expect(capped).toMatch(/…\[truncated \d+ chars]/);
  });

  it('stackOf reads only string stacks', () => {
    expect(stackOf({ stack: 42 }, 100)).toBeUndefined();
    expect(stackOf(new Error('x'), 10_000)).toContain('Error: x');
  });
});
