import { SetMetadata } from '@nestjs/common';

/** Metadata key of {@link DeadLetterHandler}. */
export const DEAD_LETTER_HANDLER_METADATA = 'ERROR_RECOVERY:DEAD_LETTER_HANDLER';

/** Options of {@link DeadLetterHandler}. */
export interface DeadLetterHandlerOptions {
  /**
   * Payload fields this handler needs as they were, even though their names look secret (a
   * `card_token`, an `api_key` of the customer's own integration): dotted paths from the payload's
   * root, e.g. `['card_token', 'customer.session_id']`. Everything else is scrubbed as error rows are.
   * Default none. The kept values are stored in clear: keep only what the handler cannot run without.
   */
  keepFields?: readonly string[];
}

/** What the metadata holds. */
export interface DeadLetterHandlerMetadata extends Required<DeadLetterHandlerOptions> {
  name: string;
}

/**
 * Marks a provider method as the handler that runs dead-letter items of `name` again. It is called
 * with the stored payload and the item; returning (or resolving) is success, throwing (or rejecting)
 * a failure that the queue retries with backoff. Names are unique across the app (a duplicate is a
 * start-up error); the provider must be a singleton (a request-scoped one is ignored with a warning).
 *
 * @example
 * ```ts
 * @Injectable()
 * class Invoices {
 *   @DeadLetterHandler('save_invoice')
 *   async save(payload: { id: string; total: number }): Promise<void> { await this.repo.save(payload); }
 * }
 * ```
 */
export const DeadLetterHandler = (name: string, options: DeadLetterHandlerOptions = {}): MethodDecorator =>
  SetMetadata<string, DeadLetterHandlerMetadata>(DEAD_LETTER_HANDLER_METADATA, { name, keepFields: [...(options.keepFields ?? [])] });
