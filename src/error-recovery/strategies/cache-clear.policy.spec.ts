import { StaleCacheError } from '../errors/stale-cache.error.js';
import { cacheClearScope, staleDataEvidence } from './cache-clear.policy.js';

const pg = (message: string, code: string) => Object.assign(new Error(message), { code, severity: 'ERROR', routine: 'x' });
const parseError = (): unknown => {
  try {
    return JSON.parse('{"price": 1');
  } catch (error) {
    return error;
  }
};

describe('staleDataEvidence', () => {
  it.each<[string, unknown, string, string[]]>([
    ['a StaleCacheError, with its keys', new StaleCacheError('products:1 is stale', ['products:1']), 'products:1 is stale', ['products:1']],
    ['any error branded staleCache', Object.assign(new Error('old entry'), { staleCache: true }), 'old entry', []],
    ['a stale error as the cause', new Error('load failed', { cause: new StaleCacheError('k is stale', ['k']) }), 'k is stale', ['k']],
    ['a cached value that fails to parse', parseError(), 'a value could not be parsed (corrupt data)', []],
    ['a stale PostgreSQL plan', pg('cached plan must not change result type', '0A000'), 'PostgreSQL cached plan is stale', []],
    ['the same on TypeORM', Object.assign(new Error('q'), { name: 'QueryFailedError', driverError: pg('cached plan must not change result type', '0A000') }), 'PostgreSQL cached plan is stale', []],
    ['an optimistic-lock mismatch', Object.assign(new Error('The optimistic lock on entity Order failed'), { name: 'OptimisticLockVersionMismatchError' }), 'optimistic-lock version mismatch (stale data read)', []],
  ])('counts %s', (_what, error, reason, keys) => {
    expect(staleDataEvidence(error)).toEqual({ reason, keys });
  });

  it.each<[string, unknown]>([
    ['a unique violation', pg('duplicate key value violates unique constraint "orders_pkey"', '23505')],
    ['a database that is down', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a TypeError (a bug, as far as anyone can tell)', new TypeError("Cannot read properties of undefined (reading 'price')")],
    ['a SyntaxError that is not about parsing data', new SyntaxError('Invalid regular expression: /(/')],
    ['a thrown string', 'stale'],
    ['a hostile proxy', new Proxy({}, { get: () => { throw new Error('trap'); } })],
  ])('does not count %s', (_what, error) => {
    expect(staleDataEvidence(error)).toBeUndefined();
  });
});

describe('cacheClearScope', () => {
  const none = { reason: 'r', keys: [] };
  const get = { method: 'GET', url: '/products?page=2' };
  it.each<[string, string | null, { reason: string; keys: string[] }, { method: string; url: string } | undefined, unknown]>([
    ['the configured pattern first', 'products:*', { reason: 'r', keys: ['k'] }, get, { pattern: 'products:*' }],
    ["'*' only when configured", '*', none, get, { pattern: '*' }],
    ['then the keys the error names', null, { reason: 'r', keys: ['k1', 'k2'] }, get, { keys: ['k1', 'k2'] }],
    ["then a GET's own key: its URL with the query, as CacheInterceptor builds it", null, none, get, { keys: ['/products?page=2'] }],
    ['nothing for a POST naming no key', null, none, { method: 'POST', url: '/orders' }, { none: expect.stringMatching(/^a POST request has no cached response of its own/) }],
    ['nothing without a request', null, none, undefined, { none: expect.stringMatching(/^no request in hand/) }],
  ])('%s', (_what, pattern, evidence, request, expected) => {
    expect(cacheClearScope(pattern, evidence, request)).toEqual(expected);
  });
});
