import { FingerprintCache, fingerprint, framesStart } from './fingerprint.js';

const frames = (fn: string) => [`    at ${fn} (/app/src/users/users.service.ts:42:13)`, '    at OrdersController.get (/app/dist/orders/orders.controller.js:10:5)', '    at processTicksAndRejections (node:internal/process/task_queues:95:5)'];
const stackOf = (message: string, fn = 'UsersService.find') => [`Error: ${message}`, ...frames(fn)].join('\n');

describe('FingerprintCache', () => {
  it('gives exactly what fingerprint() gives', () => {
    const cache = new FingerprintCache('/app');
    for (const [type, message, stack] of [
      ['Error', 'user 42 not found', stackOf('user 42 not found')],
      ['TypeError', 'x is undefined', stackOf('x is undefined', 'Other.fn')],
      ['Error', 'no stack', undefined],
      ['Error', 'multi\nline', `Error: multi\n  at the start of a message line\nline\n${frames('A.b').join('\n')}`],
      ['Error', '', ''],
    ] as const) {
      expect(cache.fingerprint(type, message, stack)).toBe(fingerprint(type, message, stack, '/app'));
    }
  });

  it('computes one hash for a storm of one stack shape (messages differing only in numbers)', () => {
    const cache = new FingerprintCache('/app');
    const prints = new Set<string>();
    for (let n = 0; n < 100; n++) prints.add(cache.fingerprint('Error', `boom ${n}`, stackOf(`boom ${n}`)));
    expect(prints.size).toBe(1);
    expect(cache.computed).toBe(1);
    expect(cache.size).toEqual({ shapes: 1, prints: 1 });
  });

  it('stays bounded under a storm of distinct shapes, the oldest forgotten first', () => {
    const cache = new FingerprintCache('/app', 10);
    for (let n = 0; n < 50; n++) cache.fingerprint('Error', 'boom', stackOf('boom', `Fn${n}.run`));
    expect(cache.size).toEqual({ shapes: 10, prints: 10 });
    expect(cache.computed).toBe(50);
    cache.fingerprint('Error', 'boom', stackOf('boom', 'Fn49.run'));
    expect(cache.computed).toBe(50);
    cache.fingerprint('Error', 'boom', stackOf('boom', 'Fn0.run'));
    expect(cache.computed).toBe(51);
  });
});

describe('framesStart', () => {
  it('is where the first frame line begins, or the end when there is none', () => {
    const stack = stackOf('boom');
    expect(stack.slice(framesStart(stack))).toBe(frames('UsersService.find').join('\n'));
    expect(framesStart('Error: no frames')).toBe('Error: no frames'.length);
    expect(framesStart('at top (/a.js:1:1)')).toBe(0);
  });
});
