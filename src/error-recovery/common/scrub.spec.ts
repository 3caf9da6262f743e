import { isSensitiveKey, luhnValid, scrub, scrubHeaders, scrubString, SCRUB_STRING_MAX } from './scrub.js';

describe('isSensitiveKey', () => {
  it.each([
    'password', 'Password', 'user_password', 'passwd', 'secret', 'client_secret', 'token', 'access_token',
    'refreshToken', 'x-auth-token', 'api_key', 'apikey', 'apiKey', 'x-api-key', 'auth', 'Authorization',
    'proxy-authorization', 'authToken', 'authentication', 'x-auth', 'basicAuth', 'oauth', 'cookie', 'Set-Cookie',
    'sessionid', 'session_id', 'csrf', 'x-csrf-token', 'xsrf-token', 'private_key', 'privateKey', 'credentials',
    'AWS Credential',
  ])('%p is sensitive', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['author', 'Author', 'authorId', 'author_name', 'authors', 'coauthor', 'username', 'email', 'id', 'key', 'message'])(
    '%p is not sensitive',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );
});

describe('luhnValid', () => {
  it.each<[string, boolean]>([
    ['4111111111111111', true],
    ['5555555555554444', true],
    ['378282246310005', true],
    ['4111111111111112', false],
  ])('%s → %p', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});

describe('scrubString', () => {
  it.each<[string, string]>([
    // card numbers
    ['card 4111 1111 1111 1111 used', 'card [Filtered card] used'],
    ['card 4111-1111-1111-1111', 'card [Filtered card]'],
    ['4111111111111111', '[Filtered card]'],
    ['amex 378282246310005.', 'amex [Filtered card].'],
    ['invalid 4111111111111112', 'invalid 4111111111111112'],
    ['short 123456789012', 'short 123456789012'],
    ['long 12345678901234567890123', 'long 12345678901234567890123'],
    ['glued abc4111111111111111', 'glued abc4111111111111111'],
    ['double-spaced 4111  1111 1111 1111', 'double-spaced 4111  1111 1111 1111'],
    // key/value pairs
    ['login password=hunter2 failed', 'login password=[Filtered] failed'],
    ['token: abc', 'token: [Filtered]'],
    ['{"apiKey":"xyz","user":"bob"}', '{"apiKey":"[Filtered]","user":"bob"}'],
    ['{"password": "with spaces here"}', '{"password": "[Filtered]"}'],
    ["secret='a b'", "secret='[Filtered]'"],
    ['GET /cb?access_token=abc&x=1', 'GET /cb?access_token=[Filtered]&x=1'],
    ['user.password=x y', 'user.password=[Filtered] y'],
    ['run --password=abc --db-token xyz', 'run --password=[Filtered] --db-token xyz'],
    ['x-api-key: k1 next', 'x-api-key: [Filtered] next'],
    ['{\\"password\\":\\"x\\",\\"a\\":1}', '{\\"password\\":\\"[Filtered]\\",\\"a\\":1}'],
    ['cookie: sid=1; theme=dark\nnext', 'cookie: [Filtered]\nnext'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: [Filtered]'],
    ['author=Jane', 'author=Jane'],
    ['InvalidTokenError: jwt expired', 'InvalidTokenError: jwt expired'],
    ['at Object.<anonymous> (/app/src/session.service.ts:10:5)', 'at Object.<anonymous> (/app/src/session.service.ts:10:5)'],
    ['password=', 'password='],
    // auth schemes
    ['sent Bearer eyJhbGciOi.x.y to api', 'sent Bearer [Filtered] to api'],
    ['header Basic dXNlcjpwYXNz', 'header Basic [Filtered]'],
    ['basic validation failed', 'basic validation failed'],
    ['the bearer of bad news', 'the bearer of bad news'],
    // URL credentials
    ['postgres://admin:s3cret@db:5432/app', 'postgres://admin:[Filtered]@db:5432/app'],
    ['redis://:pw@cache:6379', 'redis://:[Filtered]@cache:6379'],
    ['see https://example.com/a?b=c', 'see https://example.com/a?b=c'],
    ['', ''],
  ])('%p → %p', (input, expected) => {
    expect(scrubString(input)).toBe(expected);
  });

  it('caps a 10 MB string at 1 MB', () => {
    const result = scrubString(`password=hunter2 ${'x'.repeat(10 * 1024 * 1024)}`);
    expect(result.length).toBeLessThan(SCRUB_STRING_MAX + 100);
    expect(result.startsWith('password=[Filtered] ')).toBe(true);
  });

  it.each<[string, string]>([
    ['many unterminated quoted keys', '"password":"'.repeat(50_000)],
    ['many short digit groups', '1 '.repeat(300_000)],
    ['many keys without values', 'a='.repeat(300_000)],
    ['scheme followed by blanks', `Bearer ${' '.repeat(500_000)}!`],
    ['long words', `${'w'.repeat(500_000)}:`],
    ['url-ish repetition', 'http://a:'.repeat(100_000)],
  ])('returns on pathological input: %s', (_label, input) => {
    expect(typeof scrubString(input)).toBe('string');
  });
});

describe('scrub', () => {
  it('filters sensitive keys at any depth, in arrays, and scrubs strings', () => {
    const input = {
      user: { name: 'n', password: 'p', author: 'Jane', profile: { apiKey: { nested: 'object' } } },
      list: [{ token: 't', id: 1 }, 'password=abc'],
      headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k', Accept: 'json' },
      note: 'card 4111111111111111',
    };
    expect(scrub(input)).toEqual({
      user: { name: 'n', password: '[Filtered]', author: 'Jane', profile: { apiKey: '[Filtered]' } },
      list: [{ token: '[Filtered]', id: 1 }, 'password=[Filtered]'],
      headers: { Authorization: '[Filtered]', 'X-Api-Key': '[Filtered]', Accept: 'json' },
      note: 'card [Filtered card]',
    });
  });

  it('handles circular objects, BigInt and throwing getters', () => {
    const input: Record<string, unknown> = { n: 10n, secret: 's' };
    input.self = input;
    Object.defineProperty(input, 'bad', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(scrub(input)).toEqual({ n: '10', secret: '[Filtered]', self: '[Circular]', bad: '[Unreadable]' });
  });

  it('scrubs a plain string value', () => {
    expect(scrub('password=x')).toBe('password=[Filtered]');
  });
});

describe('scrubHeaders', () => {
  it('keeps only allow-listed headers, case-insensitively, with secrets filtered', () => {
    const headers = {
      Authorization: 'Bearer abc',
      Cookie: 'sid=1',
      'User-Agent': 'jest',
      'X-Request-Id': 'r1',
      'X-Secret': 'not allowed',
      Accept: ['a', 'b'],
      'X-Empty': undefined,
    };
    const allow = ['authorization', 'COOKIE', 'user-agent', 'x-request-id', 'accept', 'x-empty'];
    expect(scrubHeaders(headers, allow)).toEqual({
      authorization: '[Filtered]',
      cookie: '[Filtered]',
      'user-agent': 'jest',
      'x-request-id': 'r1',
      accept: ['a', 'b'],
    });
  });
});
