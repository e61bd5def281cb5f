/**
 * Python source the way `ruff format --line-length=100` writes it, for the parts of a template
 * whose length depends on the context (calls with user text, docstrings): generated code passes
 * ruff format --check, ruff's and flake8's line length, without running a formatter at render time.
 */
export const PY_LINE = 100;

export const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type'.split(
    ' ',
  ),
);

/** A Python string literal in ruff's preferred quotes (double, unless that needs more escapes). */
export function pyLit(text: unknown): string {
  const s = String(text ?? '');
  const escaped = JSON.stringify(s).slice(1, -1);
  // ruff keeps double quotes unless single quotes need fewer escapes
  const doubles = (s.match(/"/g) ?? []).length;
  const singles = (s.match(/'/g) ?? []).length;
  if (doubles > singles) return `'${escaped.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
  return `"${escaped}"`;
}

/** An argument of `pyCall`: code as is, or `[keyword, text]` for a string the call may have to wrap. */
export type PyArg = string | [key: string, text: string];

/**
 * `head(args)tail` at `indent`, as ruff formats it: on one line when it fits; else the arguments
 * on one indented line ("hugged") when that fits; else one per line with a trailing comma, a too
 * long string split into a parenthesized implicit concatenation (a word longer than a line stays whole).
 */
export function pyCall(indent: string, head: string, args: readonly PyArg[], tail = ''): string {
  const inline = args.map((a) => (typeof a === 'string' ? a : `${a[0]}=${pyLit(a[1])}`));
  const one = `${indent}${head}(${inline.join(', ')})${tail}`;
  if (one.length <= PY_LINE) return one;
  const inner = `${indent}    `;
  const hugged = `${inner}${inline.join(', ')}`;
  if (hugged.length <= PY_LINE) return `${indent}${head}(\n${hugged}\n${indent})${tail}`;
  const lines = args.map((a, i) => {
    const line = `${inner}${inline[i]},`;
    if (line.length <= PY_LINE || typeof a === 'string') return line;
    const chunks = wrapWords(a[1], PY_LINE - inner.length - 4, (c) => pyLit(`${c} `).length).map(
      (c) => `${inner}    ${pyLit(c)}`,
    );
    return `${inner}${a[0]}=(\n${chunks.join('\n')}\n${inner}),`;
  });
  return `${indent}${head}(\n${lines.join('\n')}\n${indent})${tail}`;
}

/** A docstring (from `"""` to `"""`) for text at `indent`: one line when it fits, else wrapped at the line length. */
export function pyDoc(text: unknown, indent: string, end = '.'): string {
  let content = String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\\/g, '\\\\')
    .replace(/"""/g, '\\"\\"\\"');
  if (end && content && !/[.!?:]$/.test(content)) content += end;
  if (content.startsWith('"')) content = ` ${content}`;
  if (content.endsWith('"')) content = `${content} `;
  if (indent.length + content.length + 6 <= PY_LINE) return `"""${content}"""`;
  const lines = wrapWords(content, PY_LINE - indent.length - 3).map((l) => l.trimEnd());
  return `"""${lines.join(`\n${indent}`)}\n${indent}"""`;
}

/** Words into chunks of at most `width` characters (a longer word stays whole); each chunk but the last keeps its trailing space. */
export function wrapWords(text: string, width: number, measure: (chunk: string) => number = (c) => c.length): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/(?<= )/)) {
    if (line && measure((line + word).trimEnd()) > width) {
      out.push(line);
      line = '';
    }
    line += word;
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

/** `lhs = "text"` at `indent`, as a parenthesized implicit concatenation when the literal does not fit. */
export function pyAssignStr(indent: string, lhs: string, text: unknown): string {
  const s = String(text ?? '');
  const one = `${indent}${lhs} = ${pyLit(s)}`;
  if (one.length <= PY_LINE) return one;
  const inner = `${indent}    `;
  const chunks = wrapWords(s, PY_LINE - inner.length, (c) => pyLit(`${c} `).length).map((c) => `${inner}${pyLit(c)}`);
  return chunks.length === 1 ? one : `${indent}${lhs} = (\n${chunks.join('\n')}\n${indent})`;
}

/** A tuple literal: `()`, `("a",)`, or one item per line with a magic trailing comma (ruff keeps it so). */
export function pyTuple(indent: string, items: readonly string[]): string {
  if (items.length === 0) return '()';
  if (items.length === 1) return `(${items[0]},)`;
  return `(\n${items.map((i) => `${indent}    ${i},`).join('\n')}\n${indent})`;
}

const STDLIB = new Set([
  '__future__',
  'abc',
  'asyncio',
  'collections',
  'collections.abc',
  'dataclasses',
  'datetime',
  'enum',
  'functools',
  'importlib',
  'importlib.util',
  'json',
  'pathlib',
  're',
  'sys',
  'typing',
  'uuid',
]);

/**
 * Import statements sorted and grouped as ruff's isort rules (I001) want them: `__future__`,
 * standard library, third party, then `firstParty` modules; straight imports before `from` imports;
 * names of one module merged and ordered constants, classes, then the rest; long lines exploded.
 */
export function pyImports(statements: readonly string[], firstParty: readonly string[] = []): string {
  const straight = new Map<string, Set<string>>();
  const from = new Map<string, Set<string>>();
  for (const st of statements) {
    const m = /^from\s+(\S+)\s+import\s+(.+)$/.exec(st.trim());
    if (m) {
      const names = from.get(m[1]!) ?? new Set<string>();
      for (const n of m[2]!.split(',')) if (n.trim()) names.add(n.trim());
      from.set(m[1]!, names);
    } else {
      const i = /^import\s+(\S+)$/.exec(st.trim());
      if (i) straight.set(i[1]!, new Set());
    }
  }
  const sectionOf = (mod: string) =>
    mod === '__future__' ? 0 : STDLIB.has(mod) || STDLIB.has(mod.split('.')[0]!) ? 1 : firstParty.includes(mod) ? 3 : 2;
  const byModule = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b);
  const sections: string[][] = [[], [], [], []];
  for (const mod of [...straight.keys()].sort(byModule)) sections[sectionOf(mod)]!.push(`import ${mod}`);
  for (const mod of [...from.keys()].sort(byModule)) {
    const names = [...from.get(mod)!].sort(byType);
    const one = `from ${mod} import ${names.join(', ')}`;
    sections[sectionOf(mod)]!.push(
      one.length <= PY_LINE ? one : `from ${mod} import (\n${names.map((n) => `    ${n},`).join('\n')}\n)`,
    );
  }
  return sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n');
}

/** isort's order-by-type: CONSTANTS, then Classes, then everything else; alphabetical inside each. */
function byType(a: string, b: string): number {
  const kind = (n: string) => (/^[A-Z0-9_]+$/.test(n) && n.length > 1 ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return kind(a) - kind(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The imports a module needs for these field types: annotations from the future, datetime, Any. */
export function pyFieldImports(fields: readonly { type?: string }[]): string[] {
  const out = ['from __future__ import annotations'];
  if (fields.some((f) => f.type === 'datetime')) out.push('from datetime import datetime');
  if (fields.some((f) => f.type === 'object')) out.push('from typing import Any');
  return out;
}

/** A dict literal: `{}`, or one `key: value` per line with a magic trailing comma (ruff keeps it so). */
export function pyDict(indent: string, entries: readonly (readonly [string, string])[]): string {
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${indent}    ${k}: ${v},`).join('\n')}\n${indent}}`;
}
