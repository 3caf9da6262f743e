import { ClassificationCaches, classifyDeferred } from './deferred-classification.js';
import { classifyError, currentDirectory } from './error-classifier.js';

const options = { environment: 'production' };
const caches = () => new ClassificationCaches(currentDirectory(), 100);

class QueryFailedError extends Error {
  code = '40P01';
  constructor() {
    super('deadlock detected on postgres://app:s3cret@db/app password=hunter2');
    this.name = 'QueryFailedError';
  }
}

describe('classifyDeferred', () => {
  it.each<[string, unknown]>([
    ['a plain Error', new Error('boom 42')],
    ['a database error with secrets', new QueryFailedError()],
    ['a string', 'just a string'],
    ['a plain object', { status: 503, message: 'token=abc' }],
    ['null', null],
  ])('classifies %s exactly as classifyError does', (_, error) => {
    expect(classifyDeferred(error, options, caches())).toEqual(classifyError(error, options));
  });

  it('reads the stack once, when classifying (the thrown value is not kept), and scrubs it when first read', () => {
    let reads = 0;
    const error = new Error('boom password=hunter2');
    const stack = error.stack;
    Object.defineProperty(error, 'stack', { get: () => (reads++, stack) });
    const c = classifyDeferred(error, options, caches());
    expect(c.httpStatus).toBe(500);
    expect(reads).toBe(1);
    expect(c.message).toBe('boom password=[Filtered]');
    expect(c.stack).toContain('password=[Filtered]');
    expect(c.stack).not.toContain('hunter2');
    expect(reads).toBe(1);
    expect(c.fingerprint).toBe(classifyError(error, options).fingerprint);
  });

  it('never throws: a value whose every read throws is classified as plain Nest would answer it', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('no'); }, getPrototypeOf: () => { throw new Error('no'); } });
    const c = classifyDeferred(hostile, options, caches());
    expect(() => [c.message, c.stack, c.fingerprint]).not.toThrow();
    expect(c.httpStatus).toBe(500);
  });
});
