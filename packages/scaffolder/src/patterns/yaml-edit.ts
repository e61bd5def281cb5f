import { isMap, isScalar, Scalar, type Node, type Pair } from 'yaml';
import { St3Error } from '@st3/schemas';
import { parseYamlText, type YamlText } from './workspace.js';

/**
 * Surgical YAML edits: the new text is the old text with one splice at the position the parser
 * reports, so comments, quoting, key order and sequence indentation all stay as the author wrote
 * them (re-serialising a document would re-indent every `- ` and re-wrap long strings).
 */

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function styleLike(value: string, like: Node | null | undefined): string {
  const type = isScalar(like) ? like.type : undefined;
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/.test(value) ? value : JSON.stringify(value);
}

function mapAt(y: YamlText, mapPath: readonly (string | number)[]) {
  const map = mapPath.length === 0 ? y.doc.contents : y.doc.getIn(mapPath, true);
  if (!isMap(map) || map.flow)
    throw new St3Error('E_SCHEMA', `${y.file}: expected a block mapping at ${mapPath.join('.') || 'the top level'}`, {
      file: y.file,
    });
  return map;
}

/**
 * Inserts `key: value` into the block mapping at `mapPath`: on the line after the scalar pair
 * `afterKey` when there is one, else before the first key. The value is quoted like its neighbour.
 */
export function insertPair(
  y: YamlText,
  mapPath: readonly (string | number)[],
  key: string,
  value: string,
  afterKey?: string,
): Splice {
  const map = mapAt(y, mapPath);
  const text = y.text;
  const anchor = afterKey ? (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === afterKey) : undefined;
  if (anchor && isScalar(anchor.value) && isScalar(anchor.key) && anchor.key.range && anchor.value.range) {
    const keyStart = anchor.key.range[0];
    const indent = keyStart - lineStartOf(text, keyStart);
    const newline = text.indexOf('\n', anchor.value.range[1]);
    const at = newline < 0 ? text.length : newline;
    return { start: at, end: at, text: `\n${' '.repeat(indent)}${key}: ${styleLike(value, anchor.value)}` };
  }
  const first = (map.items as Pair[])[0];
  const firstKey = first && isScalar(first.key) ? first.key : undefined;
  if (!firstKey?.range) {
    throw new St3Error('E_SCHEMA', `${y.file}: cannot insert "${key}" into an empty mapping`, { file: y.file });
  }
  const start = firstKey.range[0];
  const indent = start - lineStartOf(text, start);
  return { start, end: start, text: `${key}: ${styleLike(value, first?.value as Node)}\n${' '.repeat(indent)}` };
}

/** Replaces the scalar at `path`, keeping its quote style. */
export function replaceScalar(y: YamlText, path: readonly (string | number)[], value: string): Splice {
  const node = y.doc.getIn(path, true);
  if (!isScalar(node) || !node.range)
    throw new St3Error('E_SCHEMA', `${y.file}: no scalar at ${path.join('.')}`, { file: y.file });
  const [start, end] = node.range;
  return { start, end, text: styleLike(value, node) };
}

/** One text replacement: `[start, end)` becomes `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies splices planned on the same text (from the last to the first, so offsets stay valid). */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start))
    out = `${out.slice(0, s.start)}${s.text}${out.slice(s.end)}`;
  return out;
}

/**
 * Checks an edit: the new text parses, and as data it equals the old data with exactly the one
 * intended change (so a splice in the wrong place can never pass).
 */
export function verifyEdits(
  before: YamlText,
  afterText: string,
  changes: readonly { path: readonly (string | number)[]; value: string }[],
): YamlText {
  const after = parseYamlText(before.file, afterText);
  if (after.doc.errors.length > 0)
    throw new St3Error(
      'E_PARSE',
      `${before.file}: the edit broke the YAML: ${after.doc.errors[0]!.message.split('\n')[0]}`,
      { file: before.file },
    );
  const expected = before.doc.toJS() as unknown;
  for (const c of changes) setIn(expected, c.path, c.value);
  if (!sameData(after.doc.toJS(), expected))
    throw new St3Error(
      'E_INTERNAL',
      `${before.file}: the edit changed more than the ${changes.length} intended value(s)`,
      { file: before.file },
    );
  return after;
}

function setIn(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let target = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, unknown>;
  target[path[path.length - 1]!] = value;
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const DOC_LINK_RE = /^(\s*(?:#|\/\/|<#|--|;)\s*)DOC_LINK:\s*(\S*)(.*)$/;
const HEADER_SCAN_LINES = 10;

/** The `DOC_LINK:` value in a file's first lines, if any. */
export function readDocLink(text: string): { value: string; line: number } | undefined {
  const lines = text.split('\n', HEADER_SCAN_LINES);
  for (let i = 0; i < lines.length; i++) {
    const m = DOC_LINK_RE.exec(lines[i]!);
    if (m) return { value: m[2]!, line: i + 1 };
  }
  return undefined;
}

/**
 * Sets the `DOC_LINK:` header line: replaces an existing one, else inserts a comment line after a
 * shebang and a provenance header (which must stay on lines 1-2), else at the top.
 */
export function setDocLink(text: string, docId: string, comment = '#'): string {
  const lines = text.split('\n');
  const existing = readDocLink(text);
  if (existing) {
    const m = DOC_LINK_RE.exec(lines[existing.line - 1]!)!;
    lines[existing.line - 1] = `${m[1]}DOC_LINK: ${docId}${m[3]}`;
    return lines.join('\n');
  }
  let at = 0;
  if (lines[0]?.startsWith('#!')) at = 1;
  if (/template=\S+\s+version=/.test(lines[at + 1] ?? '')) at += 2;
  lines.splice(at, 0, `${comment} DOC_LINK: ${docId}`);
  return lines.join('\n');
}
