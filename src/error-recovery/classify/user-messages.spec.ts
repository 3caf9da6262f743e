import { DEFAULT_USER_MESSAGE, USER_MESSAGES, userMessageFor } from './user-messages.js';

describe('user messages', () => {
  it.each(Object.entries(USER_MESSAGES))('%s: reveals no internals', (_type, message) => {
    expect(message).not.toMatch(/sql|query|table|stack|node|postgres|\/|\d/i);
    expect(message.length).toBeLessThan(120);
  });

  it.each<[string, string]>([
    ['DatabaseError', 'A temporary data storage problem occurred. Please try again shortly.'],
    ['TypeError', DEFAULT_USER_MESSAGE],
    ['constructor', DEFAULT_USER_MESSAGE],
    ['__proto__', DEFAULT_USER_MESSAGE],
  ])('userMessageFor(%p)', (errorType, expected) => {
    expect(userMessageFor(errorType)).toBe(expected);
  });

  it('has the documented default', () => {
    expect(DEFAULT_USER_MESSAGE).toBe('An unexpected error occurred. Please try again later.');
  });
});
