import { SetMetadata } from '@nestjs/common';
import type { BackgroundRetryOptions } from '../error-recovery-options.interface.js';

/** Where `@BackgroundRetry()` keeps its options (on the method). */
export const BACKGROUND_RETRY_METADATA = 'ERROR_RECOVERY:BACKGROUND_RETRY';

/**
 * Retries of a job (`@Cron`, `@Interval`, `@Timeout`), an `@OnEvent` listener or an `@EventPattern`
 * handler when a run fails: off by default for jobs and listeners, on for `@EventPattern` (see
 * `contexts.rpcEventRetry`). Only for work that is safe to run again.
 *
 * @example
 * ```ts
 * @Cron('0 * * * *')
 * @BackgroundRetry({ attempts: 3, delayMs: 5000 })
 * syncInvoices() { ... }
 * ```
 */
export const BackgroundRetry = (options: BackgroundRetryOptions): MethodDecorator => SetMetadata(BACKGROUND_RETRY_METADATA, options);
