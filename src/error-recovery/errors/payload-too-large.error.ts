import { isInstanceOf } from '../common/safe-read.js';

/** `enqueue()` got a payload larger than `deadLetters.maxPayloadBytes`. Nothing was stored: the caller still holds its data. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly operation: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `The dead-letter payload of "${operation}" is ${bytes} bytes as JSON, over the ${maxBytes}-byte cap; nothing was stored.` +
        ` Enqueue a reference (an id, a storage key) instead of the data, or raise deadLetters.maxPayloadBytes.`,
    );
    this.name = 'PayloadTooLargeError';
  }
}

/** Never throws, whatever `e` is. */
export const isPayloadTooLargeError = (e: unknown): e is PayloadTooLargeError => isInstanceOf(e, PayloadTooLargeError);
