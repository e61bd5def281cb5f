import { St3Error } from '@st3/schemas/errors';

/** A place where a command string needs a shell to mean what it says. */
export interface ShellSyntax {
  /** 0-based offset in the command string. */
  index: number;
  /** 1-based column (the string has no line breaks before it, or counts from its last one). */
  line: number;
  column: number;
  /** The characters found, e.g. `;`, `&&`, `$(`, `>`, `*`. */
  token: string;
  kind:
    | 'separator'
    | 'pipe'
    | 'background'
    | 'redirection'
    | 'substitution'
    | 'expansion'
    | 'glob'
    | 'subshell'
    | 'comment'
    | 'negation'
    | 'assignment';
}

export type SplitResult =
  | { ok: true; argv: string[] }
  | { ok: false; error: { index: number; line: number; column: number; message: string; token?: string } };

const KIND_OF: Record<string, ShellSyntax['kind']> = {
  ';': 'separator',
  '\n': 'separator',
  '&&': 'separator',
  '||': 'separator',
  '|': 'pipe',
  '&': 'background',
  '<': 'redirection',
  '>': 'redirection',
  '$(': 'substitution',
  '`': 'substitution',
  $: 'expansion',
  '*': 'glob',
  '?': 'glob',
  '[': 'glob',
  '~': 'expansion',
  '(': 'subshell',
  ')': 'subshell',
  '{': 'expansion',
  '#': 'comment',
  '!': 'negation',
};

/** The kind of a shell token; `NAME=` (an environment assignment before the command) is not in the table. */
function kindOf(token: string): ShellSyntax['kind'] {
  return KIND_OF[token] ?? (token.length > 1 && token.endsWith('=') ? 'assignment' : 'expansion');
}

/**
 * Splits a command string into argv by POSIX shell quoting rules — whitespace separates words,
 * `'…'` is literal, `"…"` keeps spaces and honours `\"`, `\\`, `\$`, `` \` `` and a backslash-newline,
 * an unquoted backslash escapes the next character — and refuses anything only a shell would do:
 * separators (`;`, `&&`, `||`, newline), pipes, `&`, redirections, `$(…)` and backticks, `$VAR`
 * expansions, unquoted globs (`*`, `?`, `[`), `~` and `{` at a word start, subshell parentheses,
 * `#` comments, and in the command word an unquoted `!` (negation) or `NAME=value` (an environment
 * assignment). Such a string must be given as a list or with `shell: true`.
 */
export function splitCommand(command: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const fail = (at: number, message: string, token?: string): SplitResult => {
    const { line, column } = position(command, at);
    return { ok: false, error: { index: at, line, column, message, ...(token !== undefined ? { token } : {}) } };
  };
  const shell = (at: number, token: string): SplitResult =>
    fail(at, `"${printable(token)}" needs a shell (${kindOf(token)})`, token);
  let wordStart = 0;
  // The command word: an unquoted `!` or a leading `NAME=` means the shell, not a program of that name.
  const commandWordSyntax = (): SplitResult | undefined => {
    if (argv.length > 0) return undefined;
    if (command.slice(wordStart, i) === '!') return shell(wordStart, '!');
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(command.slice(wordStart, i));
    return assignment ? shell(wordStart, assignment[0]) : undefined;
  };
  while (i < command.length) {
    const c = command[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) {
        const syntax = commandWordSyntax();
        if (syntax) return syntax;
        argv.push(word);
      }
      word = '';
      inWord = false;
      i++;
      wordStart = i;
      continue;
    }
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) return fail(i, 'unterminated single quote');
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const r = readDoubleQuoted(command, i);
      if ('error' in r) return r.error.startsWith('"') ? shell(r.at, r.error.slice(1)) : fail(r.at, r.error);
      word += r.text;
      inWord = true;
      i = r.end;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= command.length) return fail(i, 'a backslash at the end escapes nothing');
      if (command[i + 1] !== '\n') word += command[i + 1];
      inWord = inWord || command[i + 1] !== '\n';
      i += 2;
      continue;
    }
    const token = shellToken(command, i, inWord);
    if (token) return shell(i, token);
    word += c;
    inWord = true;
    i++;
  }
  if (inWord) {
    const syntax = commandWordSyntax();
    if (syntax) return syntax;
    argv.push(word);
  }
  if (argv.length === 0) return fail(0, 'empty command');
  return { ok: true, argv };
}

/** The first place `command` needs a shell, if any (an unterminated quote is not shell syntax: see `splitCommand`). */
export function findShellSyntax(command: string): ShellSyntax | undefined {
  const r = splitCommand(command);
  if (r.ok || r.error.token === undefined) return undefined;
  const token = r.error.token;
  return {
    index: r.error.index,
    line: r.error.line,
    column: r.error.column,
    token,
    kind: kindOf(token),
  };
}

/**
 * `splitCommand` that throws: `E_COMMAND_SYNTAX` with the 1-based line/column inside the string and
 * the hint to use a list or `shell: true`.
 */
export function splitCommandOrThrow(
  command: string,
  where: { file?: string; line?: number; column?: number } = {},
): string[] {
  const r = splitCommand(command);
  if (r.ok) return r.argv;
  const line = (where.line ?? 1) + r.error.line - 1;
  const column = r.error.line === 1 ? (where.column ?? 1) + r.error.column - 1 : r.error.column;
  throw new St3Error('E_COMMAND_SYNTAX', `command ${JSON.stringify(command)}: ${r.error.message}`, {
    ...(where.file !== undefined ? { file: where.file, line, column } : {}),
    hint:
      r.error.token !== undefined
        ? 'write the command as a list of arguments, or set `shell: true` to run it through sh -c on purpose'
        : 'close the quote, or write the command as a list of arguments',
    details: { index: r.error.index, ...(r.error.token !== undefined ? { token: r.error.token } : {}) },
  });
}

function readDoubleQuoted(s: string, start: number): { text: string; end: number } | { error: string; at: number } {
  let text = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      if (n === '\n') {
        i++;
        continue;
      }
      if ('"\\$`'.includes(n)) {
        text += n;
        i++;
        continue;
      }
      text += c;
      continue;
    }
    if (c === '`') return { error: '"`', at: i };
    if (c === '$' && isExpansionStart(s[i + 1])) return { error: s[i + 1] === '(' ? '"$(' : '"$', at: i };
    text += c;
  }
  return { error: 'unterminated double quote', at: start };
}

/** A shell operator or expansion starting at `i` outside quotes; undefined for an ordinary character. */
function shellToken(s: string, i: number, inWord: boolean): string | undefined {
  const c = s[i]!;
  const two = s.slice(i, i + 2);
  if (two === '&&' || two === '||' || two === '$(') return two;
  if (';|&<>`\n()*?['.includes(c)) return c;
  if (c === '$') return isExpansionStart(s[i + 1]) ? '$' : undefined;
  if (!inWord && (c === '~' || c === '#' || c === '{')) return c;
  return undefined;
}

function isExpansionStart(n: string | undefined): boolean {
  return n !== undefined && /[A-Za-z_{(0-9@*#?$!-]/.test(n);
}

function position(s: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++)
    if (s[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  return { line, column: index - lineStart + 1 };
}

function printable(token: string): string {
  return token === '\n' ? '\\n' : token;
}

/**
 * The argv for a command as configuration gives it: a list is used as is; a string is split by
 * `splitCommandOrThrow` (shell syntax refused), unless `shell: true` asks for `sh -c <string>` on purpose.
 */
export function commandArgv(
  command: string | readonly string[],
  options: { shell?: boolean; file?: string; line?: number; column?: number } = {},
): string[] {
  if (typeof command !== 'string') return [...command];
  if (options.shell) return ['sh', '-c', command];
  return splitCommandOrThrow(command, options);
}
