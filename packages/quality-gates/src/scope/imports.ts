import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { St3Error } from '@st3/schemas/errors';

/**
 * A cheap import scan (regexes over the source, not a parser) of Python and TS/JS files, used to add
 * the files that import a changed file to a gate that did not declare `scope_mode` (the seed's v1.1
 * configs). It over-approximates on purpose: an import that could name a file counts as naming it
 * (module suffixes, path aliases), because a missed importer is a false green and an extra one only
 * costs time. Dynamic imports with computed names are not seen (see the package README).
 */
export const PY_EXTENSIONS = ['.py', '.pyi'];
export const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.vue', '.svelte'];
const SCANNED = new Set([...PY_EXTENSIONS, ...JS_EXTENSIONS]);

/** Bytes of a file the scan reads (imports are at the top; a huge generated file is not read whole). */
const MAX_SCAN_BYTES = 512 * 1024;

export function isScannedSource(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot !== -1 && SCANNED.has(path.slice(dot));
}

function extOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot === -1 || path.lastIndexOf('/') > dot ? '' : path.slice(dot);
}

const PY_IMPORT = /^[ \t]*import[ \t]+([\w. \t,]+)/gm;
const PY_FROM = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)/gm;

/** The module names a Python file imports (relative ones resolved against the file's package). */
export function pythonImports(path: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PY_IMPORT))
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name) out.push(name);
    }
  const pkg = path.split('/').slice(0, -1);
  for (const m of text.matchAll(PY_FROM)) {
    const spec = m[1]!;
    const dots = /^\.*/.exec(spec)![0].length;
    const rest = spec.slice(dots);
    let base: string;
    if (dots > 0) {
      const up = pkg.slice(0, Math.max(0, pkg.length - (dots - 1)));
      base = [...up, ...(rest ? rest.split('.') : [])].join('.');
    } else base = rest;
    if (base) out.push(base);
    for (const part of m[2]!.replace(/[()\\]/g, ' ').split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name && name !== '*' && /^\w+$/.test(name)) out.push(base ? `${base}.${name}` : name);
    }
  }
  return out;
}

const JS_SPECIFIER = /(?:\bfrom[ \t\n]*|\bimport[ \t\n]*\(?[ \t\n]*|\brequire[ \t\n]*\([ \t\n]*)(['"])([^'"\n]+)\1/g;

/** The module specifiers a TS/JS file imports, re-exports or requires (string literals only). */
export function jsImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(JS_SPECIFIER)) out.push(m[2]!);
  return out;
}

/** Resolves imports to project files: exact where possible, by suffix where not (see the module comment). */
class Resolver {
  private readonly pyModules = new Map<string, string[]>();
  private readonly jsByStem = new Map<string, string[]>();
  private readonly files: Set<string>;

  constructor(files: readonly string[]) {
    this.files = new Set(files);
    for (const f of files) {
      const ext = extOf(f);
      if (PY_EXTENSIONS.includes(ext)) {
        const parts = f.slice(0, -ext.length).split('/');
        if (parts[parts.length - 1] === '__init__') parts.pop();
        for (let i = 0; i < parts.length; i++) push(this.pyModules, parts.slice(i).join('.'), f);
      } else if (JS_EXTENSIONS.includes(ext)) {
        let stem = f.slice(0, -ext.length);
        if (stem.endsWith('.d')) stem = stem.slice(0, -2);
        push(this.jsByStem, stem, f);
        if (stem.endsWith('/index')) push(this.jsByStem, stem.slice(0, -'/index'.length), f);
      }
    }
  }

  python(names: readonly string[]): string[] {
    const out: string[] = [];
    for (const name of names) {
      for (const f of this.pyModules.get(name) ?? []) out.push(f);
      // `import a.b.c` runs a/__init__.py and a/b/__init__.py too.
      for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1))
        for (const f of this.pyModules.get(name.slice(0, dot)) ?? []) if (/__init__\.pyi?$/.test(f)) out.push(f);
    }
    return out;
  }

  js(from: string, specifiers: readonly string[]): string[] {
    const out: string[] = [];
    const dir = posix.dirname(from);
    for (const spec of specifiers) {
      if (spec.startsWith('.')) {
        const target = posix.normalize(posix.join(dir, spec));
        const stem = target.replace(/\.(?:[cm]?[jt]sx?)$/, '');
        if (this.files.has(target)) out.push(target);
        for (const f of this.jsByStem.get(stem) ?? []) out.push(f);
      } else {
        // A bare specifier may be a path alias (`@/lib/x`, `~/x`, `app/x`): match its tails.
        const parts = spec.split('/');
        for (let i = 0; i < parts.length; i++) {
          const tail = parts.slice(i).join('/');
          if (!tail || tail.startsWith('@')) continue;
          for (const [stem, fs] of this.tailIndex(tail))
            if (stem === tail || stem.endsWith(`/${tail}`)) out.push(...fs);
        }
      }
    }
    return out;
  }

  private tailCache?: Map<string, [string, string[]][]>;
  /** Stems grouped by their last path segment, so a tail is compared with few stems. */
  private tailIndex(tail: string): [string, string[]][] {
    if (!this.tailCache) {
      this.tailCache = new Map();
      for (const [stem, fs] of this.jsByStem) {
        const last = stem.slice(stem.lastIndexOf('/') + 1);
        const list = this.tailCache.get(last) ?? [];
        list.push([stem, fs]);
        this.tailCache.set(last, list);
      }
    }
    return this.tailCache.get(tail.slice(tail.lastIndexOf('/') + 1)) ?? [];
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The files of `sources` (workspace-relative) that import any of `seeds`, directly or through other
 * files (transitively); the seeds themselves are not in the result. `seeds` may include deleted files:
 * their importers are what a deletion breaks. One query of a fresh {@link buildImportIndex}: a caller
 * asking again after edits keeps the index and tells it what changed instead.
 */
export async function findImporters(
  root: string,
  sources: readonly string[],
  seeds: readonly string[],
  read: (path: string) => Promise<string> = (p) => readSource(join(root, p)),
): Promise<string[]> {
  return (await buildImportIndex(root, sources, read)).importersOf(seeds);
}

/**
 * What each scanned source imports, built once and kept current by re-scanning only the files said to
 * have changed. Answers are exactly {@link findImporters}' over the current files: a file listed but
 * gone (or deleted since) stays a target that imports nothing, which changes no answer (it can only be
 * reached as a seed, and seeds are resolvable anyway).
 */
export interface ImportIndex {
  /** Like findImporters: the files importing any of `seeds`, transitively, sorted, seeds excluded. E_FILE_READ while a source is unreadable. */
  importersOf(seeds: readonly string[]): string[];
  /**
   * Reads `paths` again (edited, created or deleted since the build; any path: those not scanned are
   * ignored) and re-scans those whose content changed. Updates run one after another; each applies whole.
   */
  update(paths: readonly string[]): Promise<void>;
}

/**
 * One source as the index holds it: the digest of the text its import names were scanned from (not the
 * text: that would keep up to 512 KiB per project file in memory; hashing costs less than the scan it
 * saves when a file is re-read unchanged), the names, and what they resolve to.
 */
interface IndexedSource {
  digest: string;
  names: string[];
  targets: Set<string>;
}

/** What one read of a source gave: its text, nothing (gone: imports nothing), or why it cannot be read. */
type SourceRead = { text: string } | { gone: true } | { error: St3Error };

/**
 * Reads every scanned source of `sources` once and indexes its imports (see {@link ImportIndex}).
 * Unreadable files do not fail the build: every query fails with their E_FILE_READ until an update reads them.
 */
export async function buildImportIndex(
  root: string,
  sources: readonly string[],
  read: (path: string) => Promise<string> = (p) => readSource(join(root, p)),
): Promise<ImportIndex> {
  const state = new IndexState(read, sources.filter(isScannedSource));
  await state.apply(state.known());
  let queue: Promise<void> = Promise.resolve();
  return {
    importersOf: (seeds) => state.importersOf(seeds),
    update(paths) {
      const run = () => state.apply([...new Set([...paths.filter(isScannedSource), ...state.unreadable.keys()])]);
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/** The index's data; `apply` and `importersOf` are its only ways in (see buildImportIndex for the order of updates). */
class IndexState {
  /** Every scanned file a target can be: the listed sources and the files created since. */
  private readonly files: Set<string>;
  private resolver: Resolver;
  private readonly sources = new Map<string, IndexedSource>();
  /** The reverse of the sources' targets: who imports each file. */
  private readonly importers = new Map<string, Set<string>>();
  /** Sources whose last read failed: their imports are unknown, so every answer is (E_FILE_READ). */
  readonly unreadable = new Map<string, St3Error>();

  constructor(
    private readonly read: (path: string) => Promise<string>,
    scanned: readonly string[],
  ) {
    this.files = new Set(scanned);
    this.resolver = new Resolver([...this.files]);
  }

  known(): string[] {
    return [...this.files];
  }

  /** Reads `paths` (all of them first, so no answer sees half an update), then re-scans what changed. */
  async apply(paths: readonly string[]): Promise<void> {
    const reads = new Map<string, SourceRead>();
    await mapLimit(paths, 32, async (file) => void reads.set(file, await readScanned(this.read, file)));
    // A created file is a new target: the resolver must know it (it resolves against the file set), and
    // the files whose kept names match it get the edge without being read again (resolution is a union
    // over the files of the set, so matching the new files alone finds exactly the new edges).
    const created = paths.filter((f) => !this.files.has(f) && 'text' in reads.get(f)!);
    if (created.length > 0) {
      for (const f of created) this.files.add(f);
      this.resolver = new Resolver([...this.files]);
      const only = new Resolver(created);
      for (const [file, entry] of this.sources) this.link(file, resolveNames(only, file, entry.names));
    }
    for (const [file, got] of reads) {
      if ('error' in got) this.unreadable.set(file, got.error);
      else {
        this.unreadable.delete(file);
        this.scan(file, 'text' in got ? got.text : undefined);
      }
    }
  }

  /** Records what `file` imports now (`undefined`: gone, it imports nothing); the same content is not scanned again. */
  private scan(file: string, text: string | undefined): void {
    const digest = text === undefined ? undefined : createHash('sha256').update(text).digest('base64');
    const old = this.sources.get(file);
    if (old?.digest === digest) return;
    for (const t of old?.targets ?? []) this.importers.get(t)?.delete(file);
    this.sources.delete(file);
    if (text === undefined || digest === undefined) return;
    const names = PY_EXTENSIONS.includes(extOf(file)) ? pythonImports(file, text) : jsImports(text);
    this.sources.set(file, { digest, names, targets: new Set() });
    this.link(file, resolveNames(this.resolver, file, names));
  }

  private link(file: string, targets: readonly string[]): void {
    const entry = this.sources.get(file)!;
    for (const t of targets) {
      entry.targets.add(t);
      let set = this.importers.get(t);
      if (!set) this.importers.set(t, (set = new Set()));
      set.add(file);
    }
  }

  importersOf(seeds: readonly string[]): string[] {
    const [unknown] = this.unreadable.values();
    if (unknown) throw unknown;
    // Seeds the set does not hold (deleted files) are targets too, for this answer only.
    const extra = [...new Set(seeds.filter((s) => isScannedSource(s) && !this.files.has(s)))];
    const extraImporters = new Map<string, string[]>();
    if (extra.length > 0) {
      const only = new Resolver(extra);
      for (const [file, entry] of this.sources)
        for (const t of resolveNames(only, file, entry.names)) push(extraImporters, t, file);
    }
    const seen = new Set(seeds);
    const queue = [...seeds];
    const out: string[] = [];
    while (queue.length > 0) {
      const target = queue.pop()!;
      for (const importer of [...(this.importers.get(target) ?? []), ...(extraImporters.get(target) ?? [])]) {
        if (seen.has(importer)) continue;
        seen.add(importer);
        out.push(importer);
        queue.push(importer);
      }
    }
    return out.sort();
  }
}

/** The files `names` (imported by `file`) resolve to, `file` itself left out. */
function resolveNames(resolver: Resolver, file: string, names: readonly string[]): string[] {
  const targets = PY_EXTENSIONS.includes(extOf(file)) ? resolver.python(names) : resolver.js(file, names);
  return targets.filter((t) => t !== file);
}

/** One read of a source: gone since the listing imports nothing; unreadable, its imports (so its gates) cannot be known. */
async function readScanned(read: (path: string) => Promise<string>, file: string): Promise<SourceRead> {
  try {
    return { text: await read(file) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { gone: true };
    return {
      error: new St3Error(
        'E_FILE_READ',
        `cannot read ${file} to find what it imports (${code ?? (error as Error).message})`,
        {
          file,
          hint: 'fix its permissions: a file whose imports are unknown could be an importer of a changed file',
          cause: error,
        },
      ),
    };
  }
}

/**
 * The first `MAX_SCAN_BYTES` of a file, read synchronously: for thousands of small sources one open/read/
 * close each is several times cheaper than the promise-based reader.
 */
let scratch: Buffer | undefined;
async function readSource(path: string): Promise<string> {
  const fd = openSync(path, 'r');
  try {
    // One buffer for every read: the reads are synchronous, and the text is copied out of it.
    scratch ??= Buffer.allocUnsafe(MAX_SCAN_BYTES);
    const n = readSync(fd, scratch, 0, MAX_SCAN_BYTES, 0);
    return scratch.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
