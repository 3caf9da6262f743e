import { truncate } from './safe-serialize.js';
import { scrub } from './scrub.js';
import { isErrorValue, isObjectLike, readProp } from './safe-read.js';

/**
 * The raw text of a thrown value, capped before anything else looks at it so a 10 MB message
 * costs no more than a small one. Not yet scrubbed.
 */

/**
 * The message of a thrown value, capped at `max` characters: an Error's `message` (empty when
 * unreadable), `String(x)` for primitives, and for other objects (plain objects, arrays of
 * class-validator errors) the JSON of their scrubbed, size-limited serialisation.
 */
export function messageOf(value: unknown, max: number): string {
  if (!isObjectLike(value)) return truncate(String(value), max);
  if (isErrorValue(value)) {
    const message = readProp(value, 'message');
    return typeof message === 'string' ? truncate(message, max) : '';
  }
  const data = scrub(value, { maxDepth: 4, maxKeys: 20, maxArrayLength: 20, maxStringLength: max, maxNodes: 500 });
  return truncate(typeof data === 'string' ? data : JSON.stringify(data), max);
}

/** The stack of a thrown value when it has one, capped with {@link capStack}. */
export function stackOf(value: unknown, max: number): string | undefined {
  const stack = readProp(value, 'stack');
  return typeof stack === 'string' ? capStack(stack, max) : undefined;
}

/**
 * Caps a stack at about `max` characters, keeping its head (name and message) and its tail
 * (the frames, which follow a possibly huge message), with a marker in between: plain
 * truncation would keep only the message and lose every frame.
 */
export function capStack(stack: string, max: number): string {
  if (stack.length <= max) return stack;
  const half = Math.max(0, Math.floor(max / 2));
  const head = stack.slice(0, half);
  let tail = stack.slice(stack.length - (max - half));
  const firstBreak = tail.indexOf('\n');
  if (firstBreak !== -1) tail = tail.slice(firstBreak + 1);
  return `${head}\n…[truncated ${stack.length - head.length - tail.length} chars]\n${tail}`;
}
