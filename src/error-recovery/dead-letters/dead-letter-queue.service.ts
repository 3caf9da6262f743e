import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ContextType } from '../common/context-type.js';
import { messageOf } from '../common/error-text.js';
import { ModuleLogger } from '../common/log-line.js';
import { scrubString } from '../common/scrub.js';
import { DEAD_LETTER_STORE, ERROR_RECOVERY_OPTIONS } from '../error-recovery.constants.js';
import type { ResolvedErrorRecoveryOptions } from '../error-recovery-options.js';
import { PayloadTooLargeError } from '../errors/payload-too-large.error.js';
import { UnknownDeadLetterHandlerError } from '../errors/unknown-dead-letter-handler.error.js';
import type { Page } from '../persistence/error-log-store.interface.js';
import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';
import { jsonBytes, storedPayload } from './dead-letter-payload.js';
import type { DeadLetterCounts, DeadLetterQuery, DeadLetterRecord, DeadLetterStore } from './dead-letter-store.interface.js';
import { DEAD_LETTER_PAYLOAD_LIMITS, DeadLetterWriter } from './dead-letter.writer.js';
import { DeadLetterProcessor } from './dead-letter.processor.js';

/** Options of {@link DeadLetterQueue.enqueue}. */
export interface EnqueueOptions {
  /** The failure that put the work here: its message (scrubbed) is the item's first error. */
  error?: unknown;
  /** Runs the queue gives it. Default `deadLetters.maxAttempts` (5). */
  maxAttempts?: number;
  /** The `@DeadLetterHandler()` that runs it. Default the operation. */
  handler?: string;
  /** Runs already made before it was enqueued (counted in `attempts`). Default 0. */
  attempts?: number;
  /** First run not before this delay, ms. Default 0 (at the next poll). */
  delayMs?: number;
  /** Where the work comes from, as error rows say it. Default `job`. */
  contextType?: ContextType;
}

/** Work a part of the module keeps after its own retries failed (an event, a job, `withRecovery`). */
export interface KeptWork {
  operation: string;
  payload: unknown;
  contextType: ContextType;
  attempts: number;
  error: unknown;
  errorLogId: string | null;
}

/** `GET /api/errors/dead-letters/stats`: counted in SQL, so the same from every instance. */
export interface DeadLetterQueueStats {
  /** Items ever kept (every status). */
  total_enqueued: number;
  /** Items whose handler ran through. */
  total_success: number;
  /** Items that used every run they were allowed (`exhausted`). */
  total_failed: number;
  total_discarded: number;
  /** Items still to run: `pending` + `retrying`. */
  current_items: number;
  status_breakdown: DeadLetterCounts;
}

/**
 * The persistent dead-letter queue: work that failed for good is kept with its (scrubbed) payload
 * and run again by its `@DeadLetterHandler()` with backoff (`DeadLetterProcessor`), across instances.
 */
@Injectable()
export class DeadLetterQueue {
  private readonly logger = new ModuleLogger();
  constructor(
    @Inject(ERROR_RECOVERY_OPTIONS) private readonly options: ResolvedErrorRecoveryOptions,
    @Inject(DEAD_LETTER_STORE) private readonly store: DeadLetterStore,
    private readonly handlers: DeadLetterHandlers,
    private readonly writer: DeadLetterWriter,
    @Optional() private readonly processor?: DeadLetterProcessor,
  ) {}

  /**
   * Keeps `payload` for `operation` and returns the stored item; its handler runs it at the next poll.
   * The checks throw at once, before anything is stored, so the caller still holds its data.
   * @throws UnknownDeadLetterHandlerError when no `@DeadLetterHandler()` has that name.
   * @throws PayloadTooLargeError when the scrubbed payload is over `deadLetters.maxPayloadBytes`.
   * The returned promise rejects when the store cannot take it (the caller decides: keep it, retry).
   */
  enqueue(operation: string, payload: unknown, options: EnqueueOptions = {}): Promise<DeadLetterRecord> {
    const handlerName = options.handler ?? operation;
    const handler = this.handlers.get(handlerName);
    if (!handler) throw new UnknownDeadLetterHandlerError(handlerName, this.handlers.names());
    const max = this.options.deadLetters.maxPayloadBytes;
    // Nothing may be cut silently here: every count limit is set where the JSON would already be over
    // the byte cap (a key, an item or a character takes at least a byte), so a payload is whole or refused.
    const limits = { ...DEAD_LETTER_PAYLOAD_LIMITS, maxStringLength: max + 1, maxKeys: max + 1, maxArrayLength: max + 1, maxNodes: max + 1 };
    const stored = storedPayload(payload, handler.keepFields, limits);
    const bytes = jsonBytes(stored);
    if (bytes > max) throw new PayloadTooLargeError(operation, bytes, max);
    const now = this.options.clock.now();
    const attempts = Math.max(0, Math.floor(options.attempts ?? 0));
    const letter: DeadLetterRecord = {
      ...this.base(operation, handlerName, options.contextType ?? 'job'),
      payload: stored,
      attempts,
      maxAttempts: attempts + Math.max(1, Math.floor(options.maxAttempts ?? this.options.deadLetters.maxAttempts)),
      status: 'pending',
      nextAttemptAt: new Date(now + Math.max(0, options.delayMs ?? 0)),
      errorMessage: options.error === undefined ? '' : this.errorText(options.error),
    };
    return this.store
      .connect()
      .then(() => this.store.insert(letter))
      .then(() => {
        this.processor?.afterKept();
        return letter;
      });
  }

  /**
   * Keeps work another part of the module gave up on. Never throws; stored in the background with
   * bounded retries. `pending` when a handler of its name exists, else `exhausted` with a note (an
   * operator retries it once a handler exists). Returns the item as it is being stored.
   */
  keep(work: KeptWork): DeadLetterRecord {
    const handler = this.handlers.get(work.operation);
    const queueRuns = this.options.deadLetters.maxAttempts;
    const error = this.errorText(work.error);
    const letter: DeadLetterRecord = {
      ...this.base(work.operation, work.operation, work.contextType),
      payload: storedPayload(work.payload, handler?.keepFields ?? [], DEAD_LETTER_PAYLOAD_LIMITS),
      attempts: work.attempts,
      maxAttempts: handler ? work.attempts + queueRuns : work.attempts,
      status: handler ? 'pending' : 'exhausted',
      nextAttemptAt: handler ? new Date(this.options.clock.now()) : null,
      errorLogId: work.errorLogId,
      errorMessage: error,
    };
    if (!handler) this.logger.warn(`dead letter ${letter.id}: no @DeadLetterHandler('${work.operation.slice(0, 200)}') here, kept as exhausted for an operator (retry it once a handler exists)`);
    void this.writer.record(letter).then(() => this.processor?.afterKept());
    return letter;
  }

  /** Items newest first, filtered by service, status and operation. */
  async list(query: DeadLetterQuery): Promise<Page<DeadLetterRecord>> {
    await this.store.connect();
    return this.store.list(query);
  }

  /** One item; null when no item has this id. */
  async findById(id: string): Promise<DeadLetterRecord | null> {
    await this.store.connect();
    return this.store.findById(id);
  }

  /** Whether a handler of this name exists in this app. */
  hasHandler(name: string): boolean {
    return this.handlers.get(name) !== undefined;
  }

  /** Handler names known here. */
  handlerNames(): string[] {
    return this.handlers.names();
  }

  /** Due now with one more run allowed; null when there is no such item or it is running or succeeded. */
  async retryNow(id: string): Promise<DeadLetterRecord | null> {
    await this.store.connect();
    return this.store.retryNow(id, new Date(this.options.clock.now()));
  }

  /** `discarded`; null when there is no such item or it succeeded. */
  async discard(id: string): Promise<DeadLetterRecord | null> {
    await this.store.connect();
    return this.store.discard(id, new Date(this.options.clock.now()));
  }

  /** Of one service (`service`), or of every app writing to the table. */
  async stats(service?: string): Promise<DeadLetterQueueStats> {
    await this.writer.drain(1000);
    await this.store.connect();
    const counts = await this.store.counts(service);
    return {
      total_enqueued: Object.values(counts).reduce((a, b) => a + b, 0),
      total_success: counts.succeeded,
      total_failed: counts.exhausted,
      total_discarded: counts.discarded,
      current_items: counts.pending + counts.retrying,
      status_breakdown: counts,
    };
  }

  /** The item belongs to this app (its module `service`): only its instances run it. */
  private base(operation: string, handler: string, contextType: ContextType): Omit<DeadLetterRecord, 'payload' | 'attempts' | 'maxAttempts' | 'status' | 'nextAttemptAt' | 'errorMessage'> {
    const now = new Date(this.options.clock.now());
    return {
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      service: this.options.service,
      contextType,
      operation,
      handler,
      errorLogId: null,
      replayedAt: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    };
  }

  private errorText(error: unknown): string {
    return scrubString(messageOf(error, this.options.capture.maxMessageLength));
  }
}
