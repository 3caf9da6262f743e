import { readFileSync } from 'node:fs';

/** The last lines of a child's log file, for an error message (both benches' runners). */
export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
