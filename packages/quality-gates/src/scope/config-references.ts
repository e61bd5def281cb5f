import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { isFile, readTextUpTo } from './sync-fs.js';

// The files a gate's config files pull in by reference. A tool reads them as its config, wherever they
// are: `svc/tsconfig.json` extending `../shared/tsconfig.base.json` (a sibling of the workspace, neither
// in it nor above it) changes tsc's verdict when the shared file changes. Found by cheap scans of the
// config text (no JSONC/TOML/JS parser): over-reading only costs a project run.

/** Files read to find references; larger ones are not scanned. */
const MAX_SCANNED_BYTES = 1024 * 1024;
/** References followed per gate, transitively (a guard against a generated chain). */
const MAX_REFERENCES = 200;
const JS_EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/**
 * Every file reachable from `files` (absolute paths) through `extends` (tsconfig, jsconfig, pyright, biome,
 * oxlint, .eslintrc: a string or an array; a relative path, or a package specifier looked up in
 * node_modules), ruff's `extend` and pyright's `extends` in TOML, and the relative imports of JS/TS config
 * files (an ESLint flat config's `import x from './rules.js'`), followed transitively. A relative reference
 * whose file is missing is listed too (its path, so a deletion in the diff is seen; its hash says missing).
 */
export function referencedConfigFiles(files: readonly string[]): string[] {
  const seen = new Set(files.map((f) => resolve(f)));
  const queue = [...seen];
  const out: string[] = [];
  while (queue.length > 0 && out.length < MAX_REFERENCES) {
    for (const ref of referencesOf(queue.shift()!)) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      out.push(ref);
      queue.push(ref);
    }
  }
  return out;
}

function referencesOf(file: string): string[] {
  const text = readTextUpTo(file, MAX_SCANNED_BYTES);
  if (text === undefined) return [];
  const name = basename(file);
  const dir = dirname(file);
  if (/\.toml$/i.test(name)) return tomlExtends(text).map((spec) => resolve(dir, spec));
  if (JS_EXTS.includes(extname(name).toLowerCase()))
    return jsRelativeImports(text).map((spec) => resolveRelative(dir, spec, JS_EXTS));
  if (/\.json5?c?$/i.test(name) || /^\.[\w-]*rc(\.json)?$/i.test(name))
    return jsonExtends(text).flatMap((spec) => resolveJsonSpec(dir, spec));
  return [];
}

/** The `"extends"` values of a JSON(C) config: one string or the strings of an array. */
function jsonExtends(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"extends"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/g)) {
    for (const s of m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      try {
        out.push(JSON.parse(`"${s[1]}"`) as string);
      } catch {
        // not a JSON string: ignored
      }
    }
  }
  return out.filter((s) => s.length > 0 && s !== '//');
}

/** ruff's `extend` (top level of ruff.toml, or `[tool.ruff]`) and pyright's `extends` (`[tool.pyright]`). */
function tomlExtends(text: string): string[] {
  const out: string[] = [];
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]\s]+)\s*\]/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const m = /^\s*(extends?)\s*=\s*(?:"([^"]+)"|'([^']+)')/.exec(line);
    if (!m) continue;
    const ok =
      (m[1] === 'extend' && (section === '' || section === 'tool.ruff')) ||
      (m[1] === 'extends' && (section === '' || section === 'tool.pyright'));
    if (ok) out.push(m[2] ?? m[3]!);
  }
  return out;
}

/** Relative module specifiers of `import … from './x'`, `import('./x')`, `require('./x')`, `export … from './x'`. */
function jsRelativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"'\n]+)["']/g))
    out.push(m[1]!);
  return out;
}

/** A relative reference: the file itself, else with one of `exts`, else its index; the bare path when none exists. */
function resolveRelative(dir: string, spec: string, exts: readonly string[]): string {
  const path = resolve(dir, spec);
  const candidates = [path, ...exts.map((e) => path + e), ...exts.map((e) => join(path, `index${e}`))];
  return candidates.find(isFile) ?? path;
}

/** A JSON `extends`: relative or absolute path (`.json` may be left out), else a package in node_modules. */
function resolveJsonSpec(dir: string, spec: string): string[] {
  const candidates = (path: string): string[] => [path, `${path}.json`, join(path, 'tsconfig.json')];
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const path = resolve(dir, spec);
    const found = candidates(path).find(isFile);
    return [found ?? (extname(path) ? path : `${path}.json`)];
  }
  for (let d = dir; ; d = dirname(d)) {
    const found = candidates(join(d, 'node_modules', spec)).find(isFile);
    if (found) return [found];
    if (dirname(d) === d) return [];
  }
}
