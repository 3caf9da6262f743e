import { PGlite } from '@electric-sql/pglite';
import { HttpException } from '@nestjs/common';
import { detectErrorType, sqlState } from './error-type.js';

describe('detectErrorType', () => {
  it('reports the status the app chose', () => {
    expect(detectErrorType(new HttpException('x', 418))).toEqual({ errorType: 'HttpError', ownStatus: 418 });
  });

  it('reports the status an upstream answered', () => {
    expect(detectErrorType({ response: { status: 502 } })).toEqual({ errorType: 'APIError', upstreamStatus: 502 });
    expect(detectErrorType({ isAxiosError: true })).toEqual({ errorType: 'APIError' });
  });

  it('checks memory before keeping a RangeError name', () => {
    expect(detectErrorType(new RangeError('Array buffer allocation failed')).errorType).toBe('MemoryError');
    expect(detectErrorType(new RangeError('toFixed() digits')).errorType).toBe('RangeError');
  });

  it('checks the database before timeouts for pool messages', () => {
    expect(detectErrorType(new Error('timeout exceeded when trying to connect')).errorType).toBe('DatabaseError');
  });

  it('does not take a five-letter errno code for a SQLSTATE', () => {
    expect(detectErrorType(Object.assign(new Error('x'), { code: 'EPIPE' })).errorType).toBe('ConnectionError');
    expect(detectErrorType(Object.assign(new Error('x'), { code: 'EPERM', syscall: 'open' })).errorType).toBe('SystemError');
  });

  it('recognises a real PGlite error by its pg shape (its class name is minified)', async () => {
    const db = new PGlite();
    try {
      const error = await db.query('SELECT * FROM missing_table').then(() => undefined, (e: unknown) => e);
      expect(detectErrorType(error).errorType).toBe('DatabaseError');
      expect(sqlState(error)).toBe('42P01');
    } finally {
      await db.close();
    }
  }, 30_000);

  it('ignores an empty array and arrays of non-validation values', () => {
    expect(detectErrorType([]).errorType).toBe('UnknownError');
    expect(detectErrorType([1, 2]).errorType).toBe('UnknownError');
  });
});

describe('sqlState', () => {
  it.each<[unknown, string | undefined]>([
    [{ code: '40P01' }, '40P01'],
    [{ driverError: { code: '23505' } }, '23505'],
    [{ code: 'ECONNRESET' }, undefined],
    ['x', undefined],
  ])('%p → %p', (error, expected) => {
    expect(sqlState(error)).toBe(expected);
  });
});
