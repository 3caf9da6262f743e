import { readNumber, readProp, readString } from '../../common/safe-read.js';

/**
 * What is stored about a BullMQ job that failed: its id and name, which attempt this was (1-based:
 * BullMQ counts `attemptsMade` after an attempt ends), how many it may have, and its data (scrubbed
 * by the snapshot like a request body). Read through safe reads: the job is the app's object.
 */
export function jobContext(job: unknown): Record<string, unknown> {
  const attemptsMade = readNumber(job, 'attemptsMade');
  const id = readProp(job, 'id');
  return {
    jobId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
    jobName: readString(job, 'name') ?? null,
    attempt: attemptsMade === undefined ? null : attemptsMade + 1,
    attempts: readNumber(readProp(job, 'opts'), 'attempts') ?? 1,
    data: readProp(job, 'data'),
  };
}

/** `RATE_LIMIT_ERROR` of bullmq (classes/errors/rate-limit-error): the message of `Worker.RateLimitError()`. */
const RATE_LIMIT_MESSAGE = 'bullmq:rateLimitExceeded';
/** Errors a processor throws to move its job (bullmq's worker tells them apart by name), not failures. */
const MOVING_ERRORS = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

/** True for what BullMQ treats as a move of the job (delay, wait, rate limit) rather than a failure. */
export function isJobMove(error: unknown): boolean {
  const name = readString(error, 'name');
  return (name !== undefined && MOVING_ERRORS.has(name)) || readString(error, 'message') === RATE_LIMIT_MESSAGE;
}
