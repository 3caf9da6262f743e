import { BadRequestException } from '@nestjs/common';
import { StorableInputPipe } from './storable-input.pipe.js';

const pipe = new StorableInputPipe();
const query = { type: 'query' as const };

describe('StorableInputPipe', () => {
  it.each([
    ['a NUL in a value', { service: 'a\u0000b' }],
    ['a NUL in a key', { '\u0000': '1' }],
    ['a lone high surrogate', { service: '\ud800' }],
    ['a lone low surrogate', { service: 'x\udc00' }],
    ['a NUL in a nested array', { service: ['ok', ['\u0000']] }],
    ['a NUL path parameter', 'GET /x\u0000'],
  ])('refuses %s with a 400 that does not echo the value', (_label, value) => {
    expect(() => pipe.transform(value, query)).toThrow(BadRequestException);
    try {
      pipe.transform(value, query);
    } catch (error) {
      expect(JSON.stringify((error as BadRequestException).getResponse())).not.toMatch(/\\u0000|\\ud800|\\udc00/);
    }
  });

  it.each([
    ['plain text', { service: 'checkout', page: 2 }],
    ['a surrogate pair (emoji)', { service: 'caf\u00e9 \ud83d\ude00' }],
    ['control characters PostgreSQL stores', { service: 'a\tb\u001b[2J' }],
    ['no value', undefined],
  ])('passes %s through unchanged', (_label, value) => {
    expect(pipe.transform(value, query)).toBe(value);
  });

  it('refuses input nested deeper than any admin input is', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20; i++) deep = { a: deep };
    expect(() => pipe.transform(deep, { type: 'body' })).toThrow('The request body is nested more than 8 levels deep.');
  });
});
