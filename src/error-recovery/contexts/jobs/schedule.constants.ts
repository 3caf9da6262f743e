/*
 * The metadata keys @nestjs/schedule's decorators set on a job method, copied from its
 * `schedule.constants.js` (12.x): the module must not import the package (an optional peer).
 */

/** `SCHEDULER_TYPE`: which decorator made the method a job. */
export const SCHEDULER_TYPE = 'SCHEDULER_TYPE';
/** `SCHEDULER_NAME`: the job's name (`@Cron(…, { name })`, `@Interval(name, ms)`, `@Timeout(name, ms)`), or undefined. */
export const SCHEDULER_NAME = 'SCHEDULER_NAME';
/** `SCHEDULE_CRON_OPTIONS`: `{ cronTime, ...options }` of `@Cron`. */
export const SCHEDULE_CRON_OPTIONS = 'SCHEDULE_CRON_OPTIONS';
/** `SCHEDULE_INTERVAL_OPTIONS`: `{ timeout }` (ms) of `@Interval`. */
export const SCHEDULE_INTERVAL_OPTIONS = 'SCHEDULE_INTERVAL_OPTIONS';
/** `SCHEDULE_TIMEOUT_OPTIONS`: `{ timeout }` (ms) of `@Timeout`. */
export const SCHEDULE_TIMEOUT_OPTIONS = 'SCHEDULE_TIMEOUT_OPTIONS';

/** The values of @nestjs/schedule's `SchedulerType` enum. */
export const SCHEDULER_TYPE_CRON = 1;
export const SCHEDULER_TYPE_TIMEOUT = 2;
export const SCHEDULER_TYPE_INTERVAL = 3;
