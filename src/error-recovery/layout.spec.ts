import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/*
 * The layering of the library, checked on its import graph (type-only imports included: lint's
 * import-x/no-cycle follows value imports only). Spec files and spec helpers are left out: a test
 * may import whatever it exercises.
 */

const ROOT = resolve('src/error-recovery');

/**
 * Every library file (relative to ROOT) with the packages it loads when it is loaded: value imports
 * and re-exports. Type-only imports are erased; `await import()` loads only when called.
 */
function packageImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of libraryFiles()) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const specs: string[] = [];
    for (const statement of source.statements) {
      const loads =
        (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) ||
        (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && !statement.isTypeOnly);
      const spec = (statement as { moduleSpecifier?: ts.Expression }).moduleSpecifier;
      if (loads && spec && ts.isStringLiteral(spec) && !spec.text.startsWith('.') && !spec.text.startsWith('node:')) specs.push(spec.text);
    }
    out.set(relative(ROOT, file), specs);
  }
  return out;
}

/**
 * Optional peers of the module: an app that uses none of these contexts has none of them installed,
 * so the library recognises their work by metadata keys and never imports them statically.
 */
const OPTIONAL_PEERS = /^(@nestjs\/(graphql|apollo|mercurius|microservices|websockets|platform-ws|platform-socket\.io|bullmq|event-emitter|terminus)|graphql|bullmq|ioredis|mercurius|@apollo\/.*|@nats-io\/.*|socket\.io.*|ws)(\/|$)/;

function libraryFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !/\.spec(-helper)?\.ts$/.test(path)) files.push(path);
    }
  };
  walk(ROOT);
  return files;
}

/** Every library file (relative to ROOT) with the library files it imports. */
function importGraph(): Map<string, string[]> {
  const files = libraryFiles();
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** `capture/x.ts` → `capture`; a file at the root → `.`. */
const folderOf = (file: string): string => (file.includes(sep) ? file.split(sep)[0] : '.');

/** The cycles of a directed graph, as its strongly connected components of more than one node. */
function cycles(nodes: Iterable<string>, next: (node: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next(node)) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

/**
 * Folder edges left out of the folder-level check, each type-only and each with its reason. Keep
 * this list short: a new entry needs the same justification.
 */
const ACCEPTED_FOLDER_EDGES: Record<string, string> = {
  // The typed event map names its payloads (a stored error, a recovery report); the writer and the
  // registries that emit those events import the map. Payload types only.
  'events -> persistence': 'event payload types',
  'events -> execute': 'event payload types',
};

/** TypeORM's two sides of one relation name each other inside lazy `() =>` targets. */
const ACCEPTED_FILE_CYCLES = [['persistence/error-log.entity.ts', 'persistence/recovery-action.entity.ts'].join(' ')];

describe('layout', () => {
  const graph = importGraph();

  it('common/ imports nothing from the rest of the library', () => {
    const outside = [...graph]
      .filter(([file]) => folderOf(file) === 'common')
      .flatMap(([file, targets]) => targets.filter((t) => folderOf(t) !== 'common').map((t) => `${file} → ${t}`));
    expect(outside).toEqual([]);
  });

  it('has no file-level import cycle, type-only imports included', () => {
    const found = cycles(graph.keys(), (file) => (graph.get(file) ?? []).filter((t) => graph.has(t)))
      .map((component) => component.join(' '))
      .filter((component) => !ACCEPTED_FILE_CYCLES.includes(component));
    expect(found).toEqual([]);
  });

  it('has no folder-level cycle between the pipeline folders (the root module files compose them all)', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      const from = folderOf(file);
      for (const target of targets) {
        const to = folderOf(target);
        if (from === to || from === '.' || to === '.' || `${from} -> ${to}` in ACCEPTED_FOLDER_EDGES) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    expect(cycles(edges.keys(), (folder) => [...(edges.get(folder) ?? [])])).toEqual([]);
  });

  it('imports no optional peer statically (only `await import()` where a context is in use)', () => {
    const imports = packageImports();
    const offending = [...imports].flatMap(([file, specs]) => specs.filter((spec) => OPTIONAL_PEERS.test(spec)).map((spec) => `${file} → ${spec}`));
    expect(offending).toEqual([]);
    expect([...imports.values()].flat()).toContain('@nestjs/common');
  });

  it('sees the graph it checks (a parse or path mistake would make the checks above pass vacuously)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('classify/error-classifier.ts')).toContain(join('common', 'scrub.ts'));
    expect(graph.get('strategies/recovery-strategy.interface.ts')).toContain(join('plan', 'strategy-name.ts'));
  });
});
