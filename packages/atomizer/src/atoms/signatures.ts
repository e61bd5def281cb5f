import { EV } from '../events.js';
import type { LineIndex } from '../lines.js';
import type { ClassRecord, FunctionRecord, ParsedFile, StatementNode } from '../types.js';
import type { ContextHeader } from '../context/types.js';
import type { BindingInfo } from './symbols.js';

/** Header text is cut after this many lines (a long parameter list), with `…` before its last line. */
const MAX_HEADER_LINES = 4;
/** A function's signature as a dependency shows it: a parameter a line, prettier's style, up to six parameters. */
const SIGNATURE_LINES = 8;

/**
 * Lines a..b without their common indentation. Over `max` lines, the first `max - 1`, `…`, and the
 * last: what closes a header says the most after its name (a return type, an import's module, `) {`).
 */
export function dedent(index: LineIndex, a: number, b: number, max = MAX_HEADER_LINES): string {
  const cut = b - a + 1 > max;
  const keepLast = cut && max >= 2;
  const lines: string[] = [];
  for (let l = a; l <= (cut ? a + max - (keepLast ? 2 : 1) : b); l++) lines.push(index.slice(l, l));
  if (keepLast) lines.push(index.slice(b, b));
  const indent = Math.min(...lines.filter((x) => x.trim() !== '').map((x) => /^\s*/.exec(x)![0].length));
  const out = lines.map((x) => x.slice(Number.isFinite(indent) ? indent : 0).trimEnd());
  if (cut) out.splice(keepLast ? out.length - 1 : out.length, 0, '…');
  return out.join('\n');
}

/** The last line holding code before `line` (and not before `floor`). */
function lastSourceBefore(file: ParsedFile, line: number, floor: number): number {
  let l = line - 1;
  while (l > floor && file.isSource[l - 1] === 0) l--;
  return Math.max(floor, l);
}

/** Where the header of a split statement ends: its signature, `for (...) {`, `} else {`, `case x:`. */
export function headerEnd(file: ParsedFile, node: StatementNode): number {
  const first = node.body?.[0];
  const byBody = first ? lastSourceBefore(file, first.startLine, node.startLine) : node.startLine;
  const end = node.fn?.headerEnd !== undefined ? Math.min(node.fn.headerEnd, byBody) : byBody;
  return Math.max(node.startLine, Math.min(end, node.endLine));
}

/**
 * The enclosing headers an atom needs, outermost first: each split statement whose header lies
 * before the atom (a header inside the atom is already in its code). Clause headers repeat their
 * statement's first line for the first branch; the repetition is dropped.
 */
export function headerChain(
  file: ParsedFile,
  index: LineIndex,
  ancestors: readonly StatementNode[],
  atomStart: number,
): ContextHeader[] {
  const out: ContextHeader[] = [];
  for (const node of ancestors) {
    if (node.startLine >= atomStart) continue;
    const end = Math.min(headerEnd(file, node), atomStart - 1);
    const prev = out[out.length - 1];
    if (prev && prev.line === node.startLine && prev.endLine === end) continue;
    out.push({
      kind: node.kind === 'clause' || node.kind === 'element' ? (node.name ?? node.kind) : node.kind,
      line: node.startLine,
      endLine: end,
      text: dedent(index, node.startLine, end),
    });
  }
  return out;
}

/** Functions and classes by their first line, for signatures. */
export interface DeclarationIndex {
  functions: Map<number, FunctionRecord>;
  classes: Map<number, ClassRecord>;
}

export function declarationIndex(file: ParsedFile): DeclarationIndex {
  const functions = new Map<number, FunctionRecord>();
  for (const f of file.functions) if (f.kind !== 'block' && !functions.has(f.startLine)) functions.set(f.startLine, f);
  const classes = new Map<number, ClassRecord>();
  for (const c of file.classes) classes.set(c.startLine, c);
  return { functions, classes };
}

/**
 * Strips the opening of a body from a signature line (`{`, `=> {`, a trailing `=`; `:` of Python
 * stays): `/\s*(=>\s*)?\{\s*$/` then `/\s*=\s*$/`, scanned from the end (the regular expressions,
 * tried at every position of every header, cost more than a percent of atomizing a large tree).
 */
export function stripBodyOpen(text: string): string {
  let end = trimmedEnd(text, text.length);
  if (text.charCodeAt(end - 1) === 0x7b) {
    end = trimmedEnd(text, end - 1);
    if (text.endsWith('=>', end)) end = trimmedEnd(text, end - 2);
    text = text.slice(0, end);
  }
  end = trimmedEnd(text, text.length);
  return text.charCodeAt(end - 1) === 0x3d ? text.slice(0, trimmedEnd(text, end - 1)) : text;
}

/** `end` moved back over the whitespace (`\s`) before it. */
function trimmedEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/**
 * The declaration header of a binding, as an agent needs it to call or use the name:
 * `export function parse(text: string): Doc`, `class Store(Base):`, `const LIMIT = 10;`, `x: number`.
 */
export function signatureOf(file: ParsedFile, index: LineIndex, decls: DeclarationIndex, b: BindingInfo): string {
  if (b.kind === EV.DEF_PARAM) return b.type ? `${b.name}: ${b.type}` : b.name;
  if (b.line <= 0) return b.name;
  if (b.kind === EV.DEF_FUNCTION || b.kind === EV.DEF_CLASS) {
    // The declaration may start a few lines above its name (decorators, `export default`, a multi-line modifier list).
    for (let l = b.line; l >= Math.max(1, b.line - 3); l--) {
      const fn = decls.functions.get(l);
      if (fn && b.kind === EV.DEF_FUNCTION) {
        const end = Math.max(b.line, Math.min(fn.headerEnd ?? b.line, fn.endLine));
        return stripBodyOpen(dedent(index, b.line, end, SIGNATURE_LINES));
      }
      const cls = decls.classes.get(l);
      if (cls && b.kind === EV.DEF_CLASS) return stripBodyOpen(dedent(index, b.line, b.line, 1));
    }
  }
  const line = index.slice(b.line, b.line).trim();
  return stripBodyOpen(line.length > 160 ? `${line.slice(0, 157)}...` : line);
}
