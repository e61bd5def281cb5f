import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { decodeUtf8, St3Error, type Diagnostic } from '@st3/schemas';

/** The fields of a registry entry that name files or folders. */
export const LINK_FIELDS = ['spec_path', 'schema_path', 'executor_path', 'test_path', 'example_dir'] as const;
export type LinkField = (typeof LINK_FIELDS)[number];

/** Doc ids: upper-case letters and digits in dash-separated parts (`DOC-ATOMIC-CREATE-001`). */
export const DOC_ID_RE = /^[A-Z0-9]+(-[A-Z0-9]+)*$/;

export const REGISTRY_NAMES = [
  'PATTERN_INDEX.yaml',
  'PATTERN_INDEX.yml',
  'pattern_index.yaml',
  'registry/PATTERN_INDEX.yaml',
];

/** One registry entry as written, with where it sits in the file. */
export interface PatternRecord {
  index: number;
  patternId?: string;
  docId?: string;
  name?: string;
  raw: Record<string, unknown>;
  line: number;
}

export interface YamlText {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** A parsed registry and the folders its links are resolved against. */
export interface PatternWorkspace {
  registryFile: string;
  /** The folder holding the registry (`patterns/`). */
  registryDir: string;
  /** What links such as `patterns/specs/x.pattern.yaml` are relative to. */
  linkBase: string;
  /** The pattern tree (holding specs/, schemas/, ...): the registry folder, or its parent for `patterns/registry/`. */
  patternsRoot: string;
  registry: YamlText;
  records: PatternRecord[];
  /** YAML syntax errors of the registry (the records are empty then). */
  parseErrors: Diagnostic[];
}

export function parseYamlText(file: string, text: string): YamlText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, uniqueKeys: true, prettyErrors: false });
  return { file, text, doc, lineCounter };
}

export function yamlErrors(y: YamlText, code = 'E_PARSE'): Diagnostic[] {
  return y.doc.errors.map((e) => {
    const pos = y.lineCounter.linePos(e.pos[0]);
    return {
      code,
      severity: 'error' as const,
      file: y.file,
      line: pos.line,
      column: pos.col,
      message: e.message.split('\n')[0]!,
    };
  });
}

/** 1-based line of a node (or 1 when unknown). */
export function lineOf(y: YamlText, node: Node | null | undefined): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : y.lineCounter.linePos(start).line;
}

/** Finds the registry: a file path as given, or a known registry name inside a folder. */
export function findRegistry(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs))
    throw new St3Error('E_FILE_NOT_FOUND', `pattern registry not found: ${path}`, {
      hint: 'pass the PATTERN_INDEX.yaml file or the folder holding it',
    });
  if (statSync(abs).isFile()) return abs;
  for (const name of REGISTRY_NAMES) if (existsSync(join(abs, name))) return join(abs, name);
  throw new St3Error('E_FILE_NOT_FOUND', `no pattern registry in ${path}`, {
    hint: `expected one of ${REGISTRY_NAMES.join(', ')}`,
  });
}

/**
 * Loads a registry. Links are written from the repository root (`patterns/specs/...`), so when
 * most links start with the registry folder's own name, they resolve from its parent.
 */
export async function loadPatternWorkspace(
  path: string,
  options: { linkBase?: string } = {},
): Promise<PatternWorkspace> {
  const registryFile = findRegistry(path);
  const registryDir = dirname(registryFile);
  const registry = parseYamlText(registryFile, await readPatternText(registryFile, 'the registry'));
  const parseErrors = yamlErrors(registry);
  const records = parseErrors.length > 0 ? [] : readRecords(registry);
  const linkBase = options.linkBase ? resolve(options.linkBase) : guessLinkBase(registryDir, records);
  return {
    registryFile,
    registryDir,
    linkBase,
    patternsRoot: guessPatternsRoot(registryDir, linkBase, records),
    registry,
    records,
    parseErrors,
  };
}

function readRecords(y: YamlText): PatternRecord[] {
  const patterns = isMap(y.doc.contents) ? y.doc.contents.get('patterns', true) : undefined;
  if (!isSeq(patterns)) return [];
  return patterns.items.map((item, index) => {
    const raw = isMap(item) ? (item.toJSON() as Record<string, unknown>) : {};
    const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    return {
      index,
      patternId: str('pattern_id'),
      docId: str('doc_id'),
      name: str('name'),
      raw,
      line: lineOf(y, item as Node),
    };
  });
}

/** The first path segment of every link (`patterns` for `patterns/specs/x.yaml`), most frequent first. */
function linkRoots(records: readonly PatternRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    for (const field of LINK_FIELDS) {
      const link = r.raw[field];
      if (typeof link !== 'string') continue;
      const first = normalizeLink(link).split('/')[0];
      if (first && first !== '..' && first !== '.') counts.set(first, (counts.get(first) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([segment]) => segment);
}

/**
 * Links are written from the repository root (`patterns/specs/...`) and the registry may sit in
 * `patterns/` or `patterns/registry/`: the base is the nearest ancestor (up to three levels) under
 * which the links' usual first segment exists, else the registry folder.
 */
function guessLinkBase(registryDir: string, records: readonly PatternRecord[]): string {
  const root = linkRoots(records)[0];
  if (!root) return registryDir;
  let dir = registryDir;
  for (let level = 0; level < 4; level++) {
    if (existsSync(join(dir, root))) return dir;
    if (basename(dir) === root) return dirname(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return registryDir;
}

function guessPatternsRoot(registryDir: string, linkBase: string, records: readonly PatternRecord[]): string {
  const root = linkRoots(records)[0];
  const candidate = root ? join(linkBase, root) : undefined;
  if (
    candidate &&
    existsSync(candidate) &&
    statSync(candidate).isDirectory() &&
    (registryDir === candidate || registryDir.startsWith(`${candidate}/`) || registryDir.startsWith(`${candidate}\\`))
  )
    return candidate;
  return registryDir;
}

/** Links written with Windows separators still name the same file. */
export function normalizeLink(link: string): string {
  return link.replace(/\\/g, '/').replace(/^\.\//, '');
}

export function resolveLink(ws: PatternWorkspace, link: string): string {
  return resolve(ws.linkBase, normalizeLink(link));
}

/** A path relative to the link base, with forward slashes (what the virtual tree and reports use). */
export function toBaseRelative(ws: PatternWorkspace, abs: string): string {
  return relative(ws.linkBase, abs).split('\\').join('/');
}

/** Position of the value at `path` inside a YAML document. */
export function locateIn(
  y: YamlText,
  path: readonly (string | number)[],
): { line: number; column: number } | undefined {
  const node = y.doc.getIn(path, true) as Node | undefined;
  const start = node?.range?.[0];
  if (start === undefined) return undefined;
  const pos = y.lineCounter.linePos(start);
  return { line: pos.line, column: pos.col };
}

export function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/**
 * The text of a file of the pattern tree, exactly: one that cannot be read (a link to nothing,
 * permissions) is `E_FILE_READ` and bytes that are not UTF-8 are `E_FILE_ENCODING` — a check never
 * passes a file it did not read, nor compares a lossy copy of it.
 */
export async function readPatternText(file: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new St3Error('E_FILE_READ', `cannot read ${what} ${file} (${code ?? (error as Error).message})`, {
      file,
      hint: code === 'ENOENT' ? 'it is a symbolic link to nothing: fix or remove it' : 'fix its permissions',
      cause: error,
    });
  }
  return decodeUtf8(bytes, file);
}
