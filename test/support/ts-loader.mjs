// Runs this repository's TypeScript in a child process (node --import ./test/support/ts-loader.mjs
// child.ts), for tests that must kill a process: each .ts file is transpiled on load (no type
// check; jest and tsc do that), and './x.js' imports resolve to './x.ts' as in the sources.
import { register } from 'node:module';

register('./ts-loader-hooks.mjs', import.meta.url);
