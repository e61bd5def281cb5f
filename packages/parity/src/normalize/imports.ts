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
  /**
   * What it binds, as `local = origin`: a group binding one name to two origins keeps its order (the last
   * binding wins); `import os` and `import os.path` both bind `os` to the same module, in any order.
   */
  binds: [local: string, origin: string][];
}

type Parser = (lines: readonly string[], i: number) => { statement: Statement; next: number } | undefined;

function sortGroups(text: string, parse: Parser, mayStart: (line: string) => boolean): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let group: Statement[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const sorted = bindsOneNameTwice(group)
      ? group
      : [...group].sort((a, b) => compare(a.key, b.key) || compare(a.text, b.text));
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

function bindsOneNameTwice(group: readonly Statement[]): boolean {
  const origins = new Map<string, string>();
  for (const [local, origin] of group.flatMap((s) => s.binds)) {
    if ((origins.get(local) ?? origin) !== origin) return true;
    origins.set(local, origin);
  }
  return false;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The local name an import binding gives: `a as b` binds b, `type a` binds a, `* as ns` binds ns. */
const localName = (binding: string): string => binding.replace(/^type /, '').replace(/^.* as /, '');

/**
 * Sorts names inside braces/parentheses; undefined when one of them is not a plain binding or two
 * bind the same local name (their order decides which one it holds).
 */
function sortNames(inner: string, name: RegExp): string[] | undefined {
  const names = inner
    .split(',')
    .map((n) => n.trim().replace(/\s+/g, ' '))
    .filter((n) => n !== '');
  if (names.length === 0 || !names.every((n) => name.test(n))) return undefined;
  const locals = new Set(names.map(localName));
  if (locals.size < new Set(names).size) return undefined;
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
    return {
      statement: {
        key: spec!,
        text: `import${isType ?? ''} ${binding} from '${spec}';`,
        binds: [[localName(binding!), `${spec}#${binding}`]],
      },
      next,
    };
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
  const defaultName = /^import(?: type)? ([\w$]+|\* as [\w$]+)/.exec(prefix)?.[1];
  const binds: Statement['binds'] = [defaultName, ...names]
    .filter((n) => n !== undefined)
    .map((n) => [localName(n), `${spec}#${n.replace(/^type /, '').replace(/ as .*$/, '')}`]);
  return { statement: { key: spec, text: `${prefix} { ${names.join(', ')} } from '${spec}';`, binds }, next };
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
    // `import a.b` binds `a`; `import a.b as c` binds `c`.
    const binds = modules.map((m): [string, string] =>
      m.includes(' as ') ? [localName(m), m.replace(/ as .*$/, '')] : [m.split('.')[0]!, m.split('.')[0]!],
    );
    const statement = { key: pyKey(modules[0]!, false), text: `import ${modules.join(', ')}`, binds };
    // `import a as x, b as x`: sorting would change which module x holds.
    return bindsOneNameTwice([statement]) ? undefined : { statement, next };
  }
  const from = /^from (\S+) import (.+)$/.exec(flat);
  if (!from || !PY_MODULE.test(from[1]!)) return undefined;
  let inner = from[2]!.trim();
  if (inner.startsWith('(')) {
    if (!inner.endsWith(')')) return undefined;
    inner = inner.slice(1, -1);
  }
  const names = sortNames(inner, PY_NAME);
  // A star import binds names no one can list: it stays where it is and ends the group.
  if (!names || names.includes('*')) return undefined;
  const binds = names.map((n): [string, string] => [localName(n), `${from[1]}.${n.replace(/ as .*$/, '')}`]);
  return { statement: { key: pyKey(from[1]!, true), text: `from ${from[1]} import ${names.join(', ')}`, binds }, next };
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
