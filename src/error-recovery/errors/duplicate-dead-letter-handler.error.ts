import { isInstanceOf } from '../common/safe-read.js';

/** Two methods declare the same `@DeadLetterHandler()` name: a start-up error, since an item could run either. */
export class DuplicateDeadLetterHandlerError extends Error {
  constructor(
    readonly handler: string,
    readonly first: string,
    readonly second: string,
  ) {
    super(`Dead-letter handler "${handler}" is declared twice: ${first} and ${second}. Give each a distinct name.`);
    this.name = 'DuplicateDeadLetterHandlerError';
  }
}

/** Never throws, whatever `e` is. */
export const isDuplicateDeadLetterHandlerError = (e: unknown): e is DuplicateDeadLetterHandlerError => isInstanceOf(e, DuplicateDeadLetterHandlerError);
