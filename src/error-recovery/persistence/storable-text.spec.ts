import { storableJson, storableText } from './storable-text.js';

describe('storableText', () => {
  it.each([
    ['plain text', 'hello', 'hello'],
    ['a NUL', 'bad\u0000input', 'bad\ufffdinput'],
    ['a lone high surrogate', 'x\ud800y', 'x\ufffdy'],
    ['a lone low surrogate', 'x\udc00y', 'x\ufffdy'],
    ['a real pair (emoji)', 'ok \ud83d\ude00', 'ok \ud83d\ude00'],
    ['a high surrogate at the end', 'end\ud83d', 'end\ufffd'],
  ])('%s', (_name, input, expected) => {
    expect(storableText(input)).toBe(expected);
  });
});

describe('storableJson', () => {
  it('cleans strings and keys at every depth, and leaves the rest alone', () => {
    const json = storableJson({ 'k\u0000': ['a\u0000', 1, null, { deep: 'x\ud800' }], n: 2, ok: 'fine' });
    expect(json).not.toMatch(/\\u0000|\\ud800/);
    expect(JSON.parse(json)).toEqual({ 'k\ufffd': ['a\ufffd', 1, null, { deep: 'x\ufffd' }], n: 2, ok: 'fine' });
  });
});
