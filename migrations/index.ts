import { CreateErrorLogs1763800000000 } from './1763800000000-CreateErrorLogs.js';
import { CreateAlertOutbox1764600000000 } from './1764600000000-CreateAlertOutbox.js';
import { DropUnusedErrorLogIndexes1764800000000 } from './1764800000000-DropUnusedErrorLogIndexes.js';
import { ErrorContextsAndDeadLetters1765000000000 } from './1765000000000-ErrorContextsAndDeadLetters.js';
import { DeadLetterQueue1765100000000 } from './1765100000000-DeadLetterQueue.js';
import { Checkpoints1765200000000 } from './1765200000000-Checkpoints.js';

/** The module's migrations, oldest first. Run by the module at start-up and by `npm run migration:run`. */
export const ERROR_RECOVERY_MIGRATIONS = [
  CreateErrorLogs1763800000000,
  CreateAlertOutbox1764600000000,
  DropUnusedErrorLogIndexes1764800000000,
  ErrorContextsAndDeadLetters1765000000000,
  DeadLetterQueue1765100000000,
  Checkpoints1765200000000,
];
