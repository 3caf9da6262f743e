import { parseRetryAfter, retryAfterSeconds } from './retry-after.js';

const NOW = Date.parse('2024-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[unknown, number | undefined]>([
    [5, 5],
    [2.2, 3],
    ['30', 30],
    [' 7 ', 7],
    [['12', '99'], 12],
    ['Mon, 01 Jan 2024 00:01:00 GMT', 60],
    ['Sun, 31 Dec 2023 23:00:00 GMT', 0],
    [-4, 0],
    [100_000, 3600],
    ['soon', undefined],
    ['', undefined],
    [Number.NaN, undefined],
    [null, undefined],
    ['9'.repeat(500), undefined],
  ])('%p → %p', (raw, expected) => {
    expect(parseRetryAfter(raw, NOW)).toBe(expected);
  });
});

describe('retryAfterSeconds', () => {
  it.each<[string, unknown, number | undefined]>([
    ['retryAfter', { retryAfter: 3 }, 3],
    ['headers', { headers: { 'retry-after': '4' } }, 4],
    ['capitalised header', { headers: { 'Retry-After': '6' } }, 6],
    ['response.headers', { response: { headers: { 'retry-after': '8' } } }, 8],
    ['Headers object', { response: { headers: new Headers({ 'retry-after': '9' }) } }, 9],
    ['HttpException body', { getStatus: () => 429, getResponse: () => ({ retryAfter: 11 }) }, 11],
    ['none', new Error('x'), undefined],
    ['primitive', 'x', undefined],
  ])('%s', (_label, error, expected) => {
    expect(retryAfterSeconds(error, NOW)).toBe(expected);
  });
});
