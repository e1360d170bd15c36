import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The project's own import graph, read from the sources (every static, dynamic and type-only import). */
export interface ModuleGraph {
  /** file (relative to the project) -> the project files it imports. */
  readonly files: Map<string, Set<string>>;
  /** file -> the packages it imports (node:* built-ins included). */
  readonly packages: Map<string, Set<string>>;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Strips comments so an import named in a comment is not taken for one. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function readGraph(root: string, folders: readonly string[]): ModuleGraph {
  const files = new Map<string, Set<string>>();
  const packages = new Map<string, Set<string>>();
  for (const folder of folders) {
    for (const path of sources(join(root, folder))) {
      const from = relative(root, path);
      const own = new Set<string>();
      const ext = new Set<string>();
      for (const m of code(readFileSync(path, 'utf8')).matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) own.add(relative(root, resolve(dirname(path), spec)));
        else ext.add(spec.startsWith('node:') ? 'node:*' : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
      }
      files.set(from, own);
      packages.set(from, ext);
    }
  }
  return { files, packages };
}

/** The strongly connected components with more than one member (or a self-loop): the cycles. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** main/core/core.ts -> main/core; renderer/x.tsx -> renderer. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'main' ? parts.slice(0, 2).join('/') : parts[0];
}

export function folderEdges(graph: ModuleGraph): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, tos] of graph.files) {
    const a = folderOf(from);
    const set = edges.get(a) ?? new Set<string>();
    edges.set(a, set);
    for (const to of tos) if (folderOf(to) !== a) set.add(folderOf(to));
  }
  return edges;
}
