import { isCheckpointNotSerializableError, type CheckpointNotSerializableError } from '../errors/checkpoint-not-serializable.error.js';
import { isCheckpointTooLargeError } from '../errors/checkpoint-too-large.error.js';
import { isInvalidCheckpointArgumentError } from '../errors/invalid-checkpoint-argument.error.js';
import { assertCheckpointKey, checkedTtl, checkpointJson } from './checkpoint-json.js';

function refusal(state: unknown): CheckpointNotSerializableError {
  try {
    checkpointJson('job:1', state, 1024 * 1024);
  } catch (e) {
    if (isCheckpointNotSerializableError(e)) return e;
    throw e;
  }
  throw new Error('expected a CheckpointNotSerializableError');
}

describe('checkpointJson', () => {
  it('round-trips plain data exactly, key order and \\u0000 included', () => {
    const state = { z: 1, a: [1, 'two', null, true, { nested: 'x\u0000y' }], 'odd key': -0.5 };
    const json = checkpointJson('k', state, 1024);
    expect(json).toBe(JSON.stringify(state));
    expect(JSON.parse(json)).toEqual(state);
  });

  it('turns a Date into its ISO string and drops undefined object properties (documented)', () => {
    const at = new Date('2026-12-03T10:00:00Z');
    expect(JSON.parse(checkpointJson('k', { at, gone: undefined }, 1024))).toEqual({ at: '2026-12-03T10:00:00.000Z' });
  });

  it.each([
    ['a BigInt', { a: { b: 10n } }, '$.a.b', 'a BigInt'],
    ['a function', { steps: [1, () => 2] }, '$.steps[1]', 'a function'],
    ['a symbol', { s: Symbol('x') }, '$.s', 'a symbol'],
    ['NaN', { total: Number.NaN }, '$.total', 'NaN'],
    ['Infinity', [Infinity], '$[0]', 'Infinity'],
    ['a Map', { index: new Map([[1, 2]]) }, '$.index', 'a Map'],
    ['a Set', { 'my set': new Set([1]) }, '$["my set"]', 'a Set'],
    ['a typed array', { bytes: new Uint8Array(2) }, '$.bytes', 'a Uint8Array'],
    ['undefined in an array', { list: [1, undefined] }, '$.list[1]', 'undefined'],
    ['undefined itself', undefined, '$', 'undefined'],
  ])('refuses %s, naming its path', (_what, state, path, found) => {
    const error = refusal(state);
    expect(error.path).toBe(path);
    expect(error.found).toBe(found);
    expect(error.message).toContain(`Checkpoint "job:1" cannot be saved: ${path} is ${found}`);
  });

  it('refuses a cycle at the back reference, but accepts a shared (non-circular) object twice', () => {
    const node: Record<string, unknown> = { name: 'root', children: [{ name: 'leaf' }] };
    (node.children as Record<string, unknown>[])[0].parent = node;
    expect(refusal(node)).toMatchObject({ path: '$.children[0].parent', found: expect.stringContaining('cycle') });
    const shared = { x: 1 };
    expect(JSON.parse(checkpointJson('k', { a: shared, b: shared }, 1024))).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('refuses a value whose getter throws, as unreadable', () => {
    const hostile = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no access'); } });
    expect(refusal({ hostile })).toMatchObject({ path: '$.hostile.boom', found: 'unreadable (no access)' });
  });

  it('refuses a state over maxBytes (UTF-8 bytes, not characters)', () => {
    expect(checkpointJson('k', 'é'.repeat(10), 22)).toBe(`"${'é'.repeat(10)}"`);
    try {
      checkpointJson('k', 'é'.repeat(11), 22);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(isCheckpointTooLargeError(e) && [e.bytes, e.maxBytes]).toEqual([24, 22]);
    }
  });
});

describe('checkpoint keys and TTLs', () => {
  it.each(['job:1', 'import/2026-12-03/file_7.csv', 'a'.repeat(200)])('accepts %s', (key) => {
    expect(() => assertCheckpointKey(key)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['a'.repeat(201), '201 characters'],
    ['job 1', 'outside'],
    ['job\n1', 'outside'],
    ['ключ', 'outside'],
    [42, 'expected a string'],
  ])('refuses %j (%s)', (key, reason) => {
    let thrown: unknown;
    try {
      assertCheckpointKey(key);
    } catch (e) {
      thrown = e;
    }
    expect(isInvalidCheckpointArgumentError(thrown) && thrown.argument).toBe('key');
    expect((thrown as Error).message).toContain(reason);
  });

  it.each([0, -1, Number.NaN, Infinity, '60'])('refuses the ttl %p', (ttl) => {
    expect(() => checkedTtl(ttl)).toThrow(/Invalid checkpoint ttl: expected a positive number of milliseconds/);
  });
});
