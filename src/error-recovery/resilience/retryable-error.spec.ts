import { isSerializationFailure, isTransientError, retryAfterMsOf } from './retryable-error.js';

/** TypeORM's QueryFailedError as pg fills it: the SQLSTATE on `code` and on `driverError.code`. */
class QueryFailedError extends Error {
  constructor(readonly driverError: { code: string }) {
    super('could not serialize access due to read/write dependencies among transactions');
    this.name = 'QueryFailedError';
  }
}

describe('retryable errors', () => {
  it('recognises serialization failures and deadlocks, directly and on driverError', () => {
    expect(isSerializationFailure(new QueryFailedError({ code: '40001' }))).toBe(true);
    expect(isSerializationFailure(Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' }))).toBe(true);
    expect(isSerializationFailure(new QueryFailedError({ code: '23505' }))).toBe(false);
    expect(isSerializationFailure(new Error('boom'))).toBe(false);
    expect(isSerializationFailure(null)).toBe(false);
  });

  it('calls transient what the classifier does, and never throws', () => {
    expect(isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError(new QueryFailedError({ code: '40001' }))).toBe(true);
    expect(isTransientError(new TypeError('x is undefined'))).toBe(false);
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); } });
    expect(isTransientError(hostile)).toBe(false);
  });

  it('reads a Retry-After in ms from retryAfter or a response header', () => {
    expect(retryAfterMsOf({ retryAfter: 2 }, 0)).toBe(2000);
    expect(retryAfterMsOf({ response: { status: 429, headers: { 'retry-after': '3' } } }, 0)).toBe(3000);
    expect(retryAfterMsOf(new Error('x'), 0)).toBeUndefined();
  });
});
