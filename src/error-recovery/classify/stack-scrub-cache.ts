import { BoundedLru } from '../common/bounded-lru.js';
import { framesStart } from './fingerprint.js';
import { SCRUB_STRING_MAX, scrubString } from '../common/scrub.js';

/**
 * {@link scrubString} of stacks, with the frames of a stack shape scrubbed once. Every pattern of
 * the scrubber stays within one line (none matches a line break, and each looks no further than
 * the line's end), so scrubbing the head (name and message) and the frames apart and joining them
 * with the line break gives exactly what scrubbing the whole stack gives. Bounded LRU.
 */
export class StackScrubCache {
  private readonly frames: BoundedLru<string, string>;

  constructor(maxShapes: number) {
    this.frames = new BoundedLru(maxShapes);
  }

  scrub(stack: string): string {
    // Past the scrubber's input cap the whole would be cut where the parts are not: no shortcut.
    if (stack.length > SCRUB_STRING_MAX) return scrubString(stack);
    const at = framesStart(stack);
    if (at >= stack.length) return scrubString(stack);
    const frames = this.frames.getOrCompute(stack.slice(at), scrubString);
    return at === 0 ? frames : `${scrubString(stack.slice(0, at - 1))}\n${frames}`;
  }
}
