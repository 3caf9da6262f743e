import { Logger } from '@nestjs/common';

/**
 * Control characters that can break or forge a log record: C0 (NUL, CR, LF, ESC…), DEL, C1 (NEL…),
 * the Unicode line and paragraph separators, and the bidirectional overrides that reorder what a
 * terminal shows.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOne = (c: string): string => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
};

/**
 * A text as one log line (unlike `alerts/templates/escape.ts` `oneLine`, which folds a text into a
 * header, nothing is lost: each control character stays visible as its escape): every control character written as a visible escape (`\n`, `\r`,
 * `\x1b`, `\u2028`…), so that text taken from a thrown value or a request can neither start a
 * record of its own nor erase or recolour one. Capped at `max` characters (default 4000) before
 * escaping, so escaping never makes a huge text cost more.
 */
export function escapeForLog(text: string, max = 4000): string {
  let capped = text;
  if (text.length > max) {
    // Not between the two halves of a surrogate pair.
    const end = max > 0 && text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
    capped = `${text.slice(0, end)}…[${text.length - end} more]`;
  }
  return capped.replace(CONTROL, escapeOne);
}

/**
 * The module's logger: Nest's `Logger` (so the app's logger settings apply) under the context
 * `ErrorRecovery`, with every message passed through {@link escapeForLog}. Every log call of the module
 * goes through one of these.
 */
export class ModuleLogger {
  private readonly logger: Logger;

  constructor(context = 'ErrorRecovery') {
    this.logger = new Logger(context);
  }

  log(message: string): void {
    this.logger.log(escapeForLog(message));
  }

  warn(message: string): void {
    this.logger.warn(escapeForLog(message));
  }

  error(message: string): void {
    this.logger.error(escapeForLog(message));
  }

  debug(message: string): void {
    this.logger.debug(escapeForLog(message));
  }
}
