import { posix } from 'node:path';

export interface ResolveOptions {
  /** tsconfig `compilerOptions.paths` (patterns with at most one `*`). */
  paths?: Record<string, readonly string[]>;
  /** tsconfig `compilerOptions.baseUrl`, relative to the workspace root (default "."). */
  baseUrl?: string;
}

/** Resolves an import's module text to one of the known (atomized) files, or undefined when it is external. */
export type ModuleResolver = (fromFile: string, module: string) => string | undefined;

const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

function isPython(file: string): boolean {
  return /\.pyi?$/.test(file);
}

/**
 * Module resolution over the set of atomized files (paths relative to the root, `/`-separated):
 * relative TS/JS imports (with NodeNext `.js` → `.ts` mapping and `index` files), tsconfig `paths`
 * and `baseUrl`, and Python relative (`.mod`, `..pkg.mod`) and absolute dotted imports.
 */
export function createModuleResolver(files: Iterable<string>, options: ResolveOptions = {}): ModuleResolver {
  const known = new Set<string>();
  for (const f of files) known.add(normalize(f));
  // Python absolute imports: index every file by its dotted module name suffixes.
  const pySuffix = new Map<string, string>();
  for (const f of [...known].sort()) {
    if (!isPython(f)) continue;
    const parts = f.replace(/\.pyi?$/, '').split('/');
    if (parts[parts.length - 1] === '__init__') parts.pop();
    for (let i = 0; i < parts.length; i++) {
      const dotted = parts.slice(i).join('.');
      if (dotted && !pySuffix.has(dotted)) pySuffix.set(dotted, f);
    }
  }
  const baseUrl = normalize(options.baseUrl ?? '.');
  const patterns = Object.entries(options.paths ?? {}).sort(([a], [b]) => prefixLength(b) - prefixLength(a));

  const tryTs = (base: string): string | undefined => {
    const candidates = [base];
    const ext = posix.extname(base);
    for (const alt of JS_TO_TS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
    for (const e of TS_EXTENSIONS) candidates.push(base + e);
    for (const e of TS_EXTENSIONS) candidates.push(`${base}/index${e}`);
    return candidates.map(normalize).find((c) => known.has(c));
  };

  return (fromFile, module) => {
    const from = normalize(fromFile);
    if (isPython(from)) return resolvePython(from, module, known, pySuffix);
    if (module.startsWith('./') || module.startsWith('../') || module === '.' || module === '..') {
      return tryTs(posix.join(posix.dirname(from), module));
    }
    for (const [pattern, targets] of patterns) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star === -1) captured = module === pattern ? '' : undefined;
      else if (
        module.startsWith(pattern.slice(0, star)) &&
        module.endsWith(pattern.slice(star + 1)) &&
        module.length >= pattern.length - 1
      ) {
        captured = module.slice(star, module.length - (pattern.length - star - 1));
      }
      if (captured === undefined) continue;
      for (const target of targets) {
        const hit = tryTs(posix.join(baseUrl, target.replace('*', captured)));
        if (hit) return hit;
      }
    }
    if (options.baseUrl !== undefined) return tryTs(posix.join(baseUrl, module));
    return undefined;
  };
}

function resolvePython(
  from: string,
  module: string,
  known: Set<string>,
  pySuffix: Map<string, string>,
): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots);
  if (dots === 0) return pySuffix.get(rest);
  let base = posix.dirname(from);
  for (let i = 1; i < dots; i++) base = posix.dirname(base);
  const path = rest ? posix.join(base, ...rest.split('.')) : base;
  for (const c of [`${path}.py`, `${path}.pyi`, `${path}/__init__.py`]) {
    const n = normalize(c);
    if (known.has(n)) return n;
  }
  return undefined;
}

/** For `from . import name` (Python): the submodule file `name` names, when there is one. */
export function resolvePythonSubmodule(
  resolver: ModuleResolver,
  fromFile: string,
  module: string,
  name: string,
): string | undefined {
  return resolver(fromFile, module.endsWith('.') ? `${module}${name}` : `${module}.${name}`);
}

function prefixLength(pattern: string): number {
  const star = pattern.indexOf('*');
  return star === -1 ? pattern.length + 1 : star;
}

function normalize(p: string): string {
  const n = posix.normalize(p.replace(/\\/g, '/'));
  return n.startsWith('./') ? n.slice(2) : n;
}
