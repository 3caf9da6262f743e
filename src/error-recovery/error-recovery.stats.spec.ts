import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ErrorRecoveryStats } from './error-recovery.stats.js';

const FORGED = 'boom\r\n[Nest] 1  - 01/01/2026, 00:00:00     LOG [Forged] all is well\u2028next\u2029\u0000\u001b[2K\u001b[1A\u0085end';

/** A Proxy whose every trap throws. */
const hostileProxy = (): object => {
  const fail = (): never => {
    throw new Error(FORGED);
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getPrototypeOf: fail, getOwnPropertyDescriptor: fail });
};

/** What Nest's own console logger writes while `run` runs, as written to stdout/stderr. */
function nestOutput(run: () => void): string {
  const written: string[] = [];
  const capture = (chunk: unknown): boolean => {
    written.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  Logger.overrideLogger(new ConsoleLogger({ colors: false }));
  try {
    run();
  } finally {
    out.mockRestore();
    err.mockRestore();
    Logger.overrideLogger(false);
  }
  return written.join('');
}

describe('ErrorRecoveryStats.fault', () => {
  it.each<[string, () => unknown]>([
    ['an Error whose message and stack carry CR/LF, U+2028, NUL and ANSI escapes', () => Object.assign(new Error(FORGED), { stack: `Error: ${FORGED}\n    at evil (evil.js:1:1)` })],
    ['a thrown string with control characters', () => FORGED],
    ['a Proxy whose every trap throws', hostileProxy],
  ])('logs %s as one line with every control character escaped, and counts it', (_name, make) => {
    const stats = new ErrorRecoveryStats();
    const output = nestOutput(() => stats.fault('filter', make()));
    expect(stats.faults.filter).toBe(1);
    expect(output).toContain('internal fault in filter');
    // One record: a single line ending, at its end, and nothing that moves the cursor or ends a line.
    expect(output.indexOf('\n')).toBe(output.length - 1);
    // eslint-disable-next-line no-control-regex
    expect(output.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('keeps the stack of an Error, escaped onto the line', () => {
    const error = new Error('first\nsecond');
    const output = nestOutput(() => new ErrorRecoveryStats().fault('capture', error));
    expect(output).toContain('Error: first\\nsecond\\n    at ');
  });
});
