import { Logger, type LoggerService } from '@nestjs/common';
import { ModuleLogger, escapeForLog } from './log-line.js';

describe('escapeForLog', () => {
  it.each([
    ['CR and LF', 'a\r\nb', 'a\\r\\nb'],
    ['tab', 'a\tb', 'a\\tb'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['ANSI escapes', '\u001b[2K\u001b[1Aok', '\\x1b[2K\\x1b[1Aok'],
    ['other C0 and DEL', '\u0007\u0008\u000b\u000c\u007f', '\\x07\\x08\\x0b\\x0c\\x7f'],
    ['C1 (NEL, CSI)', 'a\u0085b\u009bc', 'a\\x85b\\x9bc'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidirectional overrides', 'a\u202eb\u2066c', 'a\\u202eb\\u2066c'],
    ['printable text untouched', 'héllo — 世界 \\n', 'héllo — 世界 \\n'],
  ])('escapes %s', (_name, input, expected) => {
    expect(escapeForLog(input)).toBe(expected);
  });

  it('caps the text before escaping', () => {
    expect(escapeForLog('\n'.repeat(10), 4)).toBe('\\n\\n\\n\\n…[6 more]');
  });

  it('leaves no character that ends or rewrites a line', () => {
    const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)).join('');
    // eslint-disable-next-line no-control-regex
    expect(escapeForLog(all, 1e6)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });
});

describe('ModuleLogger', () => {
  it('writes each message as one line under the ErrorRecovery context', () => {
    const lines: string[] = [];
    const sink: LoggerService = {
      log: (m: unknown, c?: unknown) => lines.push(`LOG ${String(c)} ${String(m)}`),
      warn: (m: unknown, c?: unknown) => lines.push(`WARN ${String(c)} ${String(m)}`),
      error: (m: unknown, ...rest: unknown[]) => lines.push(`ERROR ${String(rest.at(-1))} ${String(m)}`),
    };
    Logger.overrideLogger(sink);
    try {
      const logger = new ModuleLogger();
      logger.log('a\nb');
      logger.warn('c\r\nd');
      logger.error('e\u2028f');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual(['LOG ErrorRecovery a\\nb', 'WARN ErrorRecovery c\\r\\nd', 'ERROR ErrorRecovery e\\u2028f']);
  });
});
