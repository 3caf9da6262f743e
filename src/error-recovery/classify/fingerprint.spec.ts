import { randomUUID } from 'node:crypto';
import { appFrames, fingerprint, normaliseMessage } from '../classify/fingerprint.js';

describe('normaliseMessage', () => {
  it.each<[string, string]>([
    ['User 550e8400-e29b-41d4-a716-446655440000 not found', 'User <uuid> not found'],
    ['mail to john.doe+x@example.co.uk failed', 'mail to <email> failed'],
    ['at 2024-01-02T03:04:05.123Z retry', 'at <ts> retry'],
    ['since 2024-01-02 10:00:00+02:00', 'since <ts>'],
    ['duplicate key "users_email_key"', 'duplicate key <str>'],
    ["value 'abc' and `cmd`", 'value <str> and <str>'],
    ['object 0xdeadbeef freed', 'object <hex> freed'],
    ['id 5f2b9c1ad4e3 gone', 'id <hex> gone'],
    ['deadbeef stays', 'deadbeef stays'],
    ['took 1234 ms, 3.5 s, user42', 'took <n> ms, <n> s, user<n>'],
    ['card [Filtered card] declined', 'card <n> declined'],
    ['  a \n\t b  ', 'a b'],
  ])('%p → %p', (input, expected) => {
    expect(normaliseMessage(input)).toBe(expected);
  });

  it('caps the result at 500 characters and ignores what lies past the first 2000', () => {
    expect(normaliseMessage('word '.repeat(1000))).toHaveLength(500);
    expect(normaliseMessage(`${'a'.repeat(2000)}${'b'.repeat(10_000_000)}`)).toBe('a'.repeat(500));
  });
});

const stack = [
  'Error: boom',
  '    at UsersService.find [as lookup] (/app/src/users/users.service.ts:42:13)',
  '    at Array.map (<anonymous>)',
  '    at Object.<anonymous> (/app/node_modules/foo/index.js:1:1)',
  '    at async UsersController.get (file:///app/dist/src/users/users.controller.js:10:5)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async Promise.all (index 0)',
  '    at Module._compile (internal/modules/cjs/loader.js:1:1)',
  '    at /app/src/main.ts:5:3',
  '    at last (/app/src/last.ts:1:1)',
].join('\n');

describe('appFrames', () => {
  it('keeps the top application frames without line numbers, roots, build dirs or extensions', () => {
    expect(appFrames(stack, '/app')).toEqual([
      'UsersService.find@users/users.service',
      'UsersController.get@users/users.controller',
      '<anonymous>@main',
    ]);
  });

  it.each<[string, string, string]>([
    ['ts-jest source', '    at f (/srv/app/src/a/b.ts:10:1)', 'f@a/b'],
    ['built output', '    at f (file:///srv/app/dist/src/a/b.js:99:7)', 'f@a/b'],
    ['build with rootDir src', '    at f (/srv/app/dist/a/b.mjs:3:3)', 'f@a/b'],
    ['outside the root', '    at f (/elsewhere/x.js:1:1)', 'f@/elsewhere/x'],
    ['percent-encoded file URL', '    at f (file:///srv/app/src/my%20dir/x.ts:1:1)', 'f@my dir/x'],
  ])('%s', (_label, line, expected) => {
    expect(appFrames(`Error\n${line}`, '/srv/app/')).toEqual([expected]);
  });

  it('handles Windows paths', () => {
    expect(appFrames('Error\n    at f (C:\\app\\src\\x.ts:1:2)', 'C:\\app')).toEqual(['f@x']);
  });

  it('honours count and tolerates a missing stack', () => {
    expect(appFrames(stack, '/app', 1)).toEqual(['UsersService.find@users/users.service']);
    expect(appFrames(undefined, '/app')).toEqual([]);
    expect(appFrames('no frames at all', '/app')).toEqual([]);
  });
});

describe('fingerprint', () => {
  const root = '/app';
  const frames = (line: number): string =>
    `Error: x\n    at Svc.run (/app/src/svc.ts:${line}:5)\n    at Ctl.handle (/app/src/ctl.ts:${line * 2}:9)`;

  it('is 32 hex characters', () => {
    expect(fingerprint('Error', 'x', undefined, root)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is the same for the same bug with different ids, numbers, e-mails and uuids', () => {
    const a = fingerprint('TypeError', `user ${randomUUID()} a@b.co order 17 blob 0xabc123`, frames(10), root);
    const b = fingerprint('TypeError', `user ${randomUUID()} z@y.org order 99 blob 0xfff000`, frames(10), root);
    expect(a).toBe(b);
  });

  it('is the same when the code moved by some lines', () => {
    expect(fingerprint('TypeError', 'x', frames(10), root)).toBe(fingerprint('TypeError', 'x', frames(250), root));
  });

  it('is the same for ts-jest and built output', () => {
    const source = 'Error: x\n    at Svc.run (/app/src/svc.ts:10:5)';
    const built = 'Error: x\n    at Svc.run (file:///app/dist/src/svc.js:8:3)';
    expect(fingerprint('Error', 'x', source, root)).toBe(fingerprint('Error', 'x', built, root));
  });

  it('differs for different error types, messages and frames', () => {
    const base = fingerprint('TypeError', 'x', frames(10), root);
    expect(fingerprint('RangeError', 'x', frames(10), root)).not.toBe(base);
    expect(fingerprint('TypeError', 'y', frames(10), root)).not.toBe(base);
    expect(fingerprint('TypeError', 'x', frames(10).replace('Svc.run', 'Svc.stop'), root)).not.toBe(base);
  });

  it('groups real errors thrown from different lines of the same function', () => {
    function fail(kind: number): Error {
      if (kind === 1) {
        return new Error(`failed for id ${kind}`);
      }
      return new Error(`failed for id ${kind * 1000}`);
    }
    const a = fail(1);
    const b = fail(2);
    expect(appFrames(a.stack, process.cwd())[0]).toBe('fail@error-recovery/classify/fingerprint.spec');
    expect(fingerprint('Error', a.message, a.stack, process.cwd())).toBe(fingerprint('Error', b.message, b.stack, process.cwd()));
  });
});
