import type { Detection } from './error-type.js';
import { isTransient } from './transient.js';

const pg = (code: string): object => ({ code, severity: 'ERROR' });

describe('isTransient', () => {
  it.each<[string, unknown, Detection, string, boolean]>([
    ['timeout', {}, { errorType: 'TimeoutError' }, '', true],
    ['connection', {}, { errorType: 'ConnectionError' }, '', true],
    ['503', {}, { errorType: 'ServiceUnavailableError' }, '', true],
    ['rate limit', {}, { errorType: 'RateLimitError', ownStatus: 429 }, 'slow down', true],
    ['rate limit with quota', {}, { errorType: 'RateLimitError', ownStatus: 429 }, 'Quota exceeded', false],
    ...['40001', '40P01', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300'].map(
      (code): [string, unknown, Detection, string, boolean] => [`SQLSTATE ${code}`, pg(code), { errorType: 'DatabaseError' }, '', true],
    ),
    ['SQLSTATE on driverError', { driverError: pg('40P01') }, { errorType: 'DatabaseError' }, '', true],
    ['SQLSTATE 23505', pg('23505'), { errorType: 'DatabaseError' }, '', false],
    ['SQLSTATE 42P01', pg('42P01'), { errorType: 'DatabaseError' }, '', false],
    ['pool timeout', {}, { errorType: 'DatabaseError' }, 'timeout exceeded when trying to connect', true],
    ['too many clients', {}, { errorType: 'DatabaseError' }, 'sorry, too many clients already', true],
    ['other database error', {}, { errorType: 'DatabaseError' }, 'syntax error', false],
    ...[408, 429, 502, 503, 504].map(
      (status): [string, unknown, Detection, string, boolean] => [`upstream ${status}`, {}, { errorType: 'APIError', upstreamStatus: status }, '', true],
    ),
    ...[400, 401, 403, 404, 422, 500].map(
      (status): [string, unknown, Detection, string, boolean] => [`upstream ${status}`, {}, { errorType: 'APIError', upstreamStatus: status }, '', false],
    ),
    ['validation', {}, { errorType: 'ValidationError', ownStatus: 400 }, '', false],
    ['type error', {}, { errorType: 'TypeError' }, '', false],
    ['unknown', {}, { errorType: 'UnknownError' }, '', false],
  ])('%s → %p', (_label, error, detection, message, expected) => {
    expect(isTransient(error, detection, message)).toBe(expected);
  });
});
