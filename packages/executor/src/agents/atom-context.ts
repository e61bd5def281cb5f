import type { AtomizedFileRecord, AtomRecord } from '@st3/atomizer';
import { sha256, splitLines } from '../change/text.js';

/**
 * The one place the prompt builder gets an atom's standalone context from. Today it is assembled
 * from `atomizeSource` (scope, used imports, type definitions, free names, pre/postconditions,
 * test hints) plus the enclosing signatures and the dependencies' signatures read here; when the
 * atomizer's own context API lands, this function delegates to it.
 */
export interface AtomContextInput {
  path: string;
  /** The file as it is now. */
  text: string;
  startLine: number;
  endLine: number;
  /** Atoms this one depends on (graph nodes with path/startLine), with their file text. */
  dependencies?: { id: string; path?: string; startLine?: number; name?: string; text?: string }[];
}

export interface AtomContextResult {
  markdown: string;
  /** The atoms of the file that overlap the range (what validation compares atomicity with). */
  atoms: AtomRecord[];
  record?: AtomizedFileRecord;
}

const cache = new Map<string, Promise<AtomizedFileRecord | undefined>>();

/** `atomizeSource` of a text, memoised by path and content (the runner atomizes each version a few times). */
export function atomizeText(path: string, text: string): Promise<AtomizedFileRecord | undefined> {
  const key = `${path}\u0000${sha256(text)}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = import('@st3/atomizer').then(async ({ atomizeSource }) => {
      const r = await atomizeSource(text, path);
      return 'atoms' in r ? r : undefined;
    });
    cache.set(key, hit);
    if (cache.size > 256) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

/** Atoms of a record overlapping lines start..end. */
export function atomsIn(record: AtomizedFileRecord | undefined, start: number, end: number): AtomRecord[] {
  return (record?.atoms ?? []).filter((a) => a.startLine <= end && a.endLine >= start);
}

/** The header of a unit starting at `line`: up to 4 lines, until one ends a signature (`{`, `:`, `=>`). */
function header(lines: readonly string[], line: number): string {
  const out: string[] = [];
  for (let i = line - 1; i < lines.length && out.length < 4; i++) {
    const l = lines[i]!;
    out.push(l);
    if (/(\{|:|=>)\s*(\/\/.*|#.*)?$/.test(l.trimEnd())) break;
  }
  return out.join('\n');
}

export async function atomContext(input: AtomContextInput): Promise<AtomContextResult> {
  const record = await atomizeText(input.path, input.text);
  const atoms = atomsIn(record, input.startLine, input.endLine);
  const lines = splitLines(input.text);
  const sections: string[] = [];
  const scope = [...new Set(atoms.flatMap((a) => a.scope))].filter((s) => s !== 'module');
  if (scope.length > 0) sections.push(`Scope: ${scope.join(' › ')}`);

  const enclosing = [
    ...(record?.classes ?? []).map((c) => ({ start: c.startLine, end: c.endLine })),
    ...(record?.functions ?? []).map((f) => ({ start: f.startLine, end: f.endLine })),
  ]
    .filter((u) => u.start < input.startLine && u.end >= input.endLine)
    .sort((a, b) => a.start - b.start);
  if (enclosing.length > 0)
    sections.push(`Enclosing signatures:\n\n${block(enclosing.map((u) => header(lines, u.start)).join('\n…\n'))}`);

  const imports = new Map<number, string>();
  for (const a of atoms) for (const i of a.context.imports) imports.set(i.line, lines[i.line - 1] ?? i.module);
  if (imports.size > 0)
    sections.push(
      `Imports it uses:\n\n${block(
        [...imports.entries()]
          .sort((x, y) => x[0] - y[0])
          .map(([, l]) => l)
          .join('\n'),
      )}`,
    );
  const types = new Map<string, string>();
  for (const a of atoms) for (const t of a.context.types) types.set(t.name, t.code);
  if (types.size > 0) sections.push(`Types it uses:\n\n${block([...types.values()].join('\n\n'))}`);

  const defined = new Set(atoms.flatMap((a) => a.symbols.defined));
  const inputs = [...new Set(atoms.flatMap((a) => a.symbols.used))].filter((n) => !defined.has(n));
  if (inputs.length > 0) sections.push(`Inputs (names it reads): ${inputs.join(', ')}`);
  if (defined.size > 0) sections.push(`Outputs (names it defines): ${[...defined].join(', ')}`);
  const unresolved = [...new Set(atoms.flatMap((a) => a.context.unresolved))];
  if (unresolved.length > 0) sections.push(`Not defined anywhere visible: ${unresolved.join(', ')}`);
  const pre = atoms.flatMap((a) => a.context.preconditions);
  if (pre.length > 0) sections.push(`Preconditions:\n${pre.map((p) => `- ${p}`).join('\n')}`);
  const post = atoms.flatMap((a) => a.context.postconditions);
  if (post.length > 0) sections.push(`Postconditions:\n${post.map((p) => `- ${p}`).join('\n')}`);
  const hints = atoms.flatMap((a) => a.context.testHints);
  if (hints.length > 0) sections.push(`Cases to handle:\n${hints.map((h) => `- ${h}`).join('\n')}`);

  const deps = (input.dependencies ?? [])
    .filter((d) => d.text !== undefined && d.startLine !== undefined)
    .map(
      (d) => `// ${d.path}:${d.startLine}${d.name ? ` (${d.name})` : ''}\n${header(splitLines(d.text!), d.startLine!)}`,
    );
  if (deps.length > 0) sections.push(`Signatures of the atoms it depends on:\n\n${block(deps.join('\n\n'))}`);
  return { markdown: sections.join('\n\n'), atoms, ...(record ? { record } : {}) };
}

function block(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}
