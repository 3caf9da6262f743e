// Runs once before every jest run. Apps of the e2e suite that close while their database is cut
// leave journal files in the default directory (./.error-recovery-journal); a later run on another
// database (e.g. the e2e suite on PGlite after the one on PostgreSQL) would replay them into its own
// tables and count rows no test of its own wrote. Every run starts without them.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default function globalSetup() {
  rmSync(path.join(root, '.error-recovery-journal'), { recursive: true, force: true });
}
