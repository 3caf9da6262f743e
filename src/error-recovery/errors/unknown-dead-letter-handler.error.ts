import { isInstanceOf } from '../common/safe-read.js';

/** `enqueue()` or a retry named a dead-letter handler that no provider declares. Nothing was stored. */
export class UnknownDeadLetterHandlerError extends Error {
  constructor(
    readonly handler: string,
    readonly known: readonly string[],
  ) {
    super(
      `No dead-letter handler named "${handler}". Put @DeadLetterHandler('${handler}') on a method of a singleton provider` +
        ` (known: ${known.length === 0 ? 'none' : known.map((k) => `"${k}"`).join(', ')}).`,
    );
    this.name = 'UnknownDeadLetterHandlerError';
  }
}

/** Never throws, whatever `e` is. */
export const isUnknownDeadLetterHandlerError = (e: unknown): e is UnknownDeadLetterHandlerError => isInstanceOf(e, UnknownDeadLetterHandlerError);
