import { readProp } from '../../common/safe-read.js';
import {
  SCHEDULE_CRON_OPTIONS,
  SCHEDULE_INTERVAL_OPTIONS,
  SCHEDULE_TIMEOUT_OPTIONS,
  SCHEDULER_NAME,
  SCHEDULER_TYPE,
  SCHEDULER_TYPE_CRON,
  SCHEDULER_TYPE_INTERVAL,
  SCHEDULER_TYPE_TIMEOUT,
} from './schedule.constants.js';

/** Which @nestjs/schedule decorator made a method a job. */
export type JobKind = 'cron' | 'interval' | 'timeout';

/** A scheduled job as its row shows it. */
export interface ScheduledJob {
  kind: JobKind;
  /** The job's name when it has one, else `Class.method`. */
  operation: string;
  /** The cron expression (a date as ISO text) or the interval/timeout in ms; undefined when unknown. */
  schedule: string | number | undefined;
}

const KINDS: ReadonlyMap<unknown, JobKind> = new Map<unknown, JobKind>([
  [SCHEDULER_TYPE_CRON, 'cron'],
  [SCHEDULER_TYPE_INTERVAL, 'interval'],
  [SCHEDULER_TYPE_TIMEOUT, 'timeout'],
]);

/** Which kind of job `method` is, from its metadata; undefined when it is none. */
export function jobKind(method: object): JobKind | undefined {
  return KINDS.get(Reflect.getMetadata(SCHEDULER_TYPE, method));
}

/** A cron time as text: @nestjs/schedule takes an expression, a `Date` or a Luxon `DateTime`. */
function cronText(cronTime: unknown): string | undefined {
  if (typeof cronTime === 'string') return cronTime;
  if (cronTime instanceof Date) return Number.isNaN(cronTime.getTime()) ? undefined : cronTime.toISOString();
  const toISO = readProp(cronTime, 'toISO');
  return typeof toISO === 'function' ? String((toISO as () => unknown).call(cronTime)) : undefined;
}

/** The job `methodName` of `className` is, read from the metadata of @nestjs/schedule on `method`. */
export function scheduledJob(className: string, methodName: string, method: object): ScheduledJob | undefined {
  const kind = jobKind(method);
  if (!kind) return undefined;
  const name: unknown = Reflect.getMetadata(SCHEDULER_NAME, method);
  const operation = typeof name === 'string' && name.length > 0 ? name : `${className}.${methodName}`;
  let schedule: string | number | undefined;
  if (kind === 'cron') schedule = cronText(readProp(Reflect.getMetadata(SCHEDULE_CRON_OPTIONS, method), 'cronTime'));
  else {
    const ms = readProp(Reflect.getMetadata(kind === 'interval' ? SCHEDULE_INTERVAL_OPTIONS : SCHEDULE_TIMEOUT_OPTIONS, method), 'timeout');
    schedule = typeof ms === 'number' ? ms : undefined;
  }
  return { kind, operation, schedule };
}
