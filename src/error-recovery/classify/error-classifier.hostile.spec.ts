import { classifyError } from './error-classifier.js';

const env = { environment: 'production' };

function throwingGetter<T extends object>(target: T, key: string): T {
  Object.defineProperty(target, key, {
    get(): never {
      throw new Error(`no ${key}`);
    },
  });
  return target;
}

const hostileProxy = (): object =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error('get');
      },
      has: () => {
        throw new Error('has');
      },
      ownKeys: () => {
        throw new Error('ownKeys');
      },
      getPrototypeOf: () => {
        throw new Error('getPrototypeOf');
      },
      getOwnPropertyDescriptor: () => {
        throw new Error('descriptor');
      },
    },
  );

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable(new Error('x'), {});
  revoke();
  return proxy;
};

const circularCause = (): Error => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  return a;
};

describe('classifyError on hostile values', () => {
  it.each<[string, () => unknown]>([
    ['throwing message getter', () => throwingGetter(new Error('x'), 'message')],
    ['throwing name getter', () => throwingGetter(new Error('x'), 'name')],
    ['throwing stack and code getters', () => throwingGetter(throwingGetter(new Error('x'), 'stack'), 'code')],
    ['Proxy whose every trap throws', hostileProxy],
    ['revoked Proxy', revoked],
    ['null-prototype object', () => Object.assign(Object.create(null) as object, { a: 1 })],
    ['circular cause chain', circularCause],
    ['object with a circular reference', () => { const o: Record<string, unknown> = {}; o.self = o; return o; }],
    ['array with a throwing element getter', () => throwingGetter([1, 2], '0')],
    ['BigInt', () => 10n],
  ])('%s: does not throw and returns a complete classification', (_label, make) => {
    const result = classifyError(make(), env);
    expect(typeof result.errorType).toBe('string');
    expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(typeof result.message).toBe('string');
  });

  it('classifies a throwing name getter as a plain Error and a throwing message as empty', () => {
    expect(classifyError(throwingGetter(new Error('x'), 'name'), env).errorType).toBe('Error');
    expect(classifyError(throwingGetter(new Error('x'), 'message'), env).message).toBe('');
  });

  it('returns the safe default when classification itself fails', () => {
    const result = classifyError(new Error('x'), { environment: undefined as unknown as string });
    expect(result).toMatchObject({ errorType: 'UnknownError', category: 'unknown', severity: 'low', httpStatus: 500, transient: false });
    expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('classifyError message and stack', () => {
  it.each<[string, unknown, string]>([
    ['string', 'boom', 'boom'],
    ['number', 42, '42'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['symbol', Symbol('s'), 'Symbol(s)'],
    ['plain object, scrubbed', { password: 'hunter2', reason: 'nope' }, '{"password":"[Filtered]","reason":"nope"}'],
  ])('derives the message of a thrown %s', (_label, value, expected) => {
    expect(classifyError(value, env).message).toBe(expected);
  });

  it('scrubs secrets from the message and the stack', () => {
    const result = classifyError(new Error('login failed: password=hunter2 token: abc123'), env);
    expect(result.message).toBe('login failed: password=[Filtered] token: [Filtered]');
    expect(result.stack).toContain('password=[Filtered]');
    expect(result.stack).not.toContain('hunter2');
  });

  it('caps a 10 MB message and its stack, keeping the frames', () => {
    const error = new Error(`${'x'.repeat(10 * 1024 * 1024)} password=hunter2`);
    const result = classifyError(error, { environment: 'production', maxMessageLength: 1000, maxStackLength: 4000 });
    expect(result.message.length).toBeLessThan(1100);
    expect(result.message.startsWith('x'.repeat(1000))).toBe(true);
    expect(result.stack?.length).toBeLessThan(4200);
    expect(result.stack).toContain('at ');
    expect(result.stack).not.toContain('hunter2');
  });

  it('uses defaults of 2000 (message) and 8000 (stack) characters', () => {
    const result = classifyError(new Error('y'.repeat(50_000)), env);
    expect(result.message.length).toBeLessThan(2100);
    expect(result.stack?.length).toBeLessThan(8200);
  });

  it('has no stack for values without one', () => {
    expect(classifyError('boom', env).stack).toBeUndefined();
  });
});
