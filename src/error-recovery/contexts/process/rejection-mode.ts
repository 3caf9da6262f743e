import { inspect } from 'node:util';

/** Node's `--unhandled-rejections` modes (the default is `throw`). */
export type RejectionMode = 'throw' | 'strict' | 'warn' | 'none' | 'warn-with-error-code';

const MODES: readonly string[] = ['throw', 'strict', 'warn', 'none', 'warn-with-error-code'];
const FLAG = '--unhandled-rejections';

/** The mode given by flags such as `process.execArgv` or `NODE_OPTIONS` split on spaces; the last one wins, as in Node. */
export function rejectionMode(flags: readonly string[]): RejectionMode {
  let mode: RejectionMode = 'throw';
  for (let i = 0; i < flags.length; i++) {
    const value = flags[i] === FLAG ? flags[i + 1] : flags[i].startsWith(`${FLAG}=`) ? flags[i].slice(FLAG.length + 1) : undefined;
    if (value !== undefined && MODES.includes(value)) mode = value as RejectionMode;
  }
  return mode;
}

/** The mode this process runs with. */
export function currentRejectionMode(): RejectionMode {
  return rejectionMode([...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean), ...process.execArgv]);
}

/**
 * What Node raises as the uncaught exception of an unhandled rejection: the reason itself when it
 * is error-like (an object with its own `stack`), else an `UnhandledPromiseRejection` error
 * carrying it (Node's wording and code).
 */
export function rejectionAsException(reason: unknown): unknown {
  if (typeof reason === 'object' && reason !== null && Object.prototype.hasOwnProperty.call(reason, 'stack')) return reason;
  const error = new Error(
    'This error originated either by throwing inside of an async function without a catch block, ' +
      `or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${inspect(reason)}".`,
  );
  return Object.assign(error, { name: 'UnhandledPromiseRejection', code: 'ERR_UNHANDLED_REJECTION' });
}

/** What Node adds when it warns of an unhandled rejection (`warn` modes). */
export const UNHANDLED_REJECTION_WARNING =
  'Unhandled promise rejection. This error originated either by throwing inside of an async function without a catch block, ' +
  'or by rejecting a promise which was not handled with .catch(). To terminate the node process on unhandled promise rejection, ' +
  'use the CLI flag `--unhandled-rejections=strict` (see https://nodejs.org/api/cli.html#cli_unhandled_rejections_mode).';
