/** The `deadLetters` option of `ErrorRecoveryModule.forRoot()`: the persistent dead-letter queue. */
export interface DeadLetterQueueOptions {
  /** Run due items in this process. Default true; false keeps enqueueing and the API, and leaves the runs to other instances. */
  process?: boolean;
  /** How often the processor looks for due items, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Items one poll claims at most (they run concurrently). Default 10. */
  batchSize?: number;
  /**
   * How long a claimed item is held by this process, ms. An item still `retrying` after its lease is
   * presumed left by a dead process (or a hung run) and is reclaimed, the run counted. A run still
   * going at half the lease stays claimed; its outcome is recorded when it comes. Default 300000 (5 min).
   */
  leaseMs?: number;
  /** Runs the queue gives an item (on top of the runs before it was kept). Default 5; an enqueue may say otherwise. */
  maxAttempts?: number;
  /** Delay before the queue's run n+1: `baseDelayMs × 2^(n-1)`, at most `maxDelayMs`, full jitter. Default 10000 ms. */
  baseDelayMs?: number;
  /** Ceiling of one delay, ms. Default 3600000 (1 h). */
  maxDelayMs?: number;
  /** Largest payload `enqueue()` accepts, as UTF-8 JSON bytes after scrubbing. Default 1048576 (1 MiB). */
  maxPayloadBytes?: number;
  /** Alert `dead_letter_queue_high` when pending + retrying items reach this. Default 100; 0: never. */
  alertThreshold?: number;
}

/** {@link DeadLetterQueueOptions} with every default applied. */
export type ResolvedDeadLetterQueueOptions = Required<DeadLetterQueueOptions>;

/** `v` brought to at least `min`; `d` when it is not a finite number. */
const positive = (v: number | undefined, d: number, min = 1): number => (typeof v === 'number' && Number.isFinite(v) ? Math.max(min, Math.floor(v)) : d);

/** The defaults, defined once. Numbers below their minimum are raised to it (a poll every 10 ms at most, a lease of 100 ms at least). */
export function resolveDeadLetterQueueOptions(options: DeadLetterQueueOptions = {}): ResolvedDeadLetterQueueOptions {
  return {
    process: options.process ?? true,
    pollIntervalMs: positive(options.pollIntervalMs, 5000, 10),
    batchSize: positive(options.batchSize, 10),
    leaseMs: positive(options.leaseMs, 300_000, 100),
    maxAttempts: positive(options.maxAttempts, 5),
    baseDelayMs: positive(options.baseDelayMs, 10_000, 0),
    maxDelayMs: positive(options.maxDelayMs, 3_600_000, 0),
    maxPayloadBytes: positive(options.maxPayloadBytes, 1_048_576),
    alertThreshold: positive(options.alertThreshold, 100, 0),
  };
}
