import { rejectionAsException, rejectionMode } from './rejection-mode.js';

describe('rejectionMode', () => {
  it.each([
    [[], 'throw'],
    [['--unhandled-rejections=strict'], 'strict'],
    [['--unhandled-rejections', 'warn'], 'warn'],
    [['--unhandled-rejections=warn', '--max-old-space-size=100', '--unhandled-rejections=none'], 'none'],
    [['--unhandled-rejections=warn-with-error-code'], 'warn-with-error-code'],
    [['--unhandled-rejections=bogus'], 'throw'],
    [['--unhandled-rejections'], 'throw'],
  ])('%j → %s', (flags, mode) => {
    expect(rejectionMode(flags)).toBe(mode);
  });
});

describe('rejectionAsException', () => {
  it('raises an error-like reason itself', () => {
    const error = new Error('x');
    expect(rejectionAsException(error)).toBe(error);
  });

  it("wraps any other reason as Node does, in an UnhandledPromiseRejection naming it", () => {
    const raised = rejectionAsException(42) as Error & { code: string };
    expect(raised).toBeInstanceOf(Error);
    expect(raised.name).toBe('UnhandledPromiseRejection');
    expect(raised.code).toBe('ERR_UNHANDLED_REJECTION');
    expect(raised.message).toContain('The promise rejected with the reason "42".');
    // An object without its own stack is not error-like.
    expect(rejectionAsException({ message: 'm' })).not.toEqual({ message: 'm' });
  });
});
