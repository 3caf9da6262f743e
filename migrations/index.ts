import { CreateErrorLogs1763800000000 } from './1763800000000-CreateErrorLogs.js';

/** The module's migrations, oldest first. Run by the module at start-up and by `npm run migration:run`. */
export const ERROR_RECOVERY_MIGRATIONS = [CreateErrorLogs1763800000000];
