// Hooks of ts-loader.mjs (module.register runs them off the main thread).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** In the repository (not the shared temp directory, where another user could plant a file). */
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/ts-loader/', import.meta.url));

const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  sourceMap: false,
};

export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('.') || specifier.startsWith('/')) && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const url = new URL(specifier, context.parentURL);
    const asTs = url.href.slice(0, -3) + '.ts';
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(asTs))) return { url: asTs, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  // Transpiled output kept by content (and by how it is transpiled): a child that loads the whole library starts in a fraction of the time.
  const cached = join(CACHE_DIR, `${createHash('sha1').update(ts.version).update(JSON.stringify(COMPILER_OPTIONS)).update(url).update('\0').update(source).digest('hex')}.js`);
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined) return { format: 'module', source: hit, shortCircuit: true };
  const { outputText } = ts.transpileModule(source, { fileName: fileURLToPath(url), compilerOptions: COMPILER_OPTIONS });
  // Written aside and renamed: a child reading it at the same time sees the whole file or none.
  await mkdir(CACHE_DIR, { recursive: true })
    .then(() => writeFile(`${cached}.${process.pid}`, outputText))
    .then(() => rename(`${cached}.${process.pid}`, cached))
    .catch(() => undefined);
  return { format: 'module', source: outputText, shortCircuit: true };
}
