import { DeadLetterHandlers } from './dead-letter-handlers.registry.js';
import { DeadLetterQueue } from './dead-letter-queue.service.js';
import { DeadLetterProcessor } from './dead-letter.processor.js';

/** The providers of the dead-letter queue (the writer and the store are registered beside the other stores). */
export const DEAD_LETTER_SERVICES = [DeadLetterHandlers, DeadLetterQueue, DeadLetterProcessor];
