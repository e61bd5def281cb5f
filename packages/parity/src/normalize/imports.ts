import type { Normalizer } from './types.js';

/**
 * Import sorting that keeps groups: a group is a run of consecutive import statements (a blank
 * line, a comment or any other statement ends it). Inside a group, statements are ordered by
 * module and their named bindings sorted; groups never merge and never move. A statement the
 * rule does not fully understand (side-effect imports, comments inside) ends the group and stays
 * where it is, because its position may matter.
 */

interface Statement {
  key: string;
  text: string;
}

type Parser = (lines: readonly string[], i: number) => { statement: Statement; next: number } | undefined;

function sortGroups(text: string, parse: Parser, mayStart: (line: string) => boolean): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let group: Statement[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const sorted = [...group].sort((a, b) => compare(a.key, b.key) || compare(a.text, b.text));
    for (const s of sorted) out.push(s.text);
    group = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const parsed = mayStart(line) ? parse(lines, i) : undefined;
    if (parsed) {
      group.push(parsed.statement);
      i = parsed.next;
    } else {
      flush();
      out.push(line);
      i++;
    }
  }
  flush();
  return out.join('\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts names inside braces/parentheses; undefined when one of them is not a plain binding. */
function sortNames(inner: string, name: RegExp): string[] | undefined {
  const names = inner
    .split(',')
    .map((n) => n.trim().replace(/\s+/g, ' '))
    .filter((n) => n !== '');
  if (names.length === 0 || !names.every((n) => name.test(n))) return undefined;
  // `type X` sorts by X, so `import { type B, a }` and `import { a, type B }` agree
  const bare = (n: string) => n.replace(/^type /, '').toLowerCase();
  return [...new Set(names)].sort((a, b) => compare(bare(a), bare(b)) || compare(a, b));
}

const TS_NAME = /^(?:type )?[\w$]+(?: as [\w$]+)?$/;
const TS_HEAD = /^import(?: type)?(?: (?:[\w$]+|\* as [\w$]+) ?,?)?$/;
const TS_SPECIFIER = /^from ?(['"])([^'"\n]+)\1 ?;?$/;
const TS_DEFAULT_OR_NS = /^import( type)? ([\w$]+|\* as [\w$]+) from (['"])([^'"\n]+)\3;?$/;
const MAX_STATEMENT_LINES = 200;

/** Reads one `import ... from '...'` statement starting at line i (possibly spanning lines). */
const parseTsImport: Parser = (lines, i) => {
  let text = lines[i]!;
  let next = i + 1;
  if (text.includes('{') && !text.includes('}')) {
    while (next < lines.length && next - i < MAX_STATEMENT_LINES && !lines[next - 1]!.includes('}')) {
      text += `\n${lines[next]}`;
      next++;
    }
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  const simple = TS_DEFAULT_OR_NS.exec(flat);
  if (simple) {
    const [, isType, binding, , spec] = simple;
    return { statement: { key: spec!, text: `import${isType ?? ''} ${binding} from '${spec}';` }, next };
  }
  const open = flat.indexOf('{');
  const close = flat.indexOf('}');
  if (open < 0 || close < open || flat.indexOf('{', open + 1) >= 0) return undefined;
  const head = flat.slice(0, open).trim();
  const tail = flat.slice(close + 1).trim();
  const from = TS_SPECIFIER.exec(tail);
  if (!TS_HEAD.test(head) || !from) return undefined;
  const names = sortNames(flat.slice(open + 1, close), TS_NAME);
  if (!names) return undefined;
  const spec = from[2]!;
  const prefix = head.replace(/ ?,$/, ',');
  return { statement: { key: spec, text: `${prefix} { ${names.join(', ')} } from '${spec}';` }, next };
};

export const sortImportsTs: Normalizer = {
  name: 'sort-imports-ts',
  description: 'TypeScript/JavaScript imports sorted by module within each group, named bindings sorted, groups kept',
  apply: (text) =>
    text.startsWith('import ') || text.includes('\nimport ')
      ? sortGroups(text, parseTsImport, (line) => line.startsWith('import ') && !/^import\s*\(/.test(line))
      : text,
};

const PY_MODULE = /^(?:[\w]+(?:\.[\w]+)*|\.+[\w]*(?:\.[\w]+)*)$/;
const PY_NAME = /^(?:[\w]+(?: as [\w]+)?|\*)$/;
const PY_IMPORT = /^import ([\w.]+(?: as \w+)?(?: ?, ?[\w.]+(?: as \w+)?)*)$/;

/** `__future__` imports must stay first, so they sort before everything. */
function pyKey(module: string, isFrom: boolean): string {
  return `${module === '__future__' ? '\u0000' : ''}${module}\u0001${isFrom ? 1 : 0}`;
}

const parsePyImport: Parser = (lines, i) => {
  let text = lines[i]!;
  let next = i + 1;
  if (text.includes('#')) return undefined;
  if (/\(\s*$/.test(text) || (text.includes('(') && !text.includes(')'))) {
    while (next < lines.length && next - i < MAX_STATEMENT_LINES && !lines[next - 1]!.includes(')')) {
      if (lines[next]!.includes('#')) return undefined;
      text += `\n${lines[next]}`;
      next++;
    }
  } else if (text.endsWith('\\')) {
    return undefined;
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  const plain = PY_IMPORT.exec(flat);
  if (plain) {
    const modules = plain[1]!
      .split(',')
      .map((m) => m.trim())
      .sort(compare);
    return { statement: { key: pyKey(modules[0]!, false), text: `import ${modules.join(', ')}` }, next };
  }
  const from = /^from (\S+) import (.+)$/.exec(flat);
  if (!from || !PY_MODULE.test(from[1]!)) return undefined;
  let inner = from[2]!.trim();
  if (inner.startsWith('(')) {
    if (!inner.endsWith(')')) return undefined;
    inner = inner.slice(1, -1);
  }
  const names = sortNames(inner, PY_NAME);
  if (!names) return undefined;
  return { statement: { key: pyKey(from[1]!, true), text: `from ${from[1]} import ${names.join(', ')}` }, next };
};

export const sortImportsPython: Normalizer = {
  name: 'sort-imports-python',
  description:
    'Python imports sorted by module within each group (__future__ first), imported names sorted, groups kept',
  apply: (text) =>
    text.includes('import ')
      ? sortGroups(text, parsePyImport, (line) => line.startsWith('import ') || line.startsWith('from '))
      : text,
};
