/** A bracket or string left open (or closed without opening) in a piece of code, with its 1-based line. */
export interface BalanceProblem {
  line: number;
  message: string;
}

/**
 * Where a scan of one piece of code stands. `last` is the last significant character: it decides
 * whether a "/" starts a regular expression literal.
 */
interface Scanner {
  readonly code: string;
  readonly python: boolean;
  i: number;
  line: number;
  last: string;
}

/** What a skipper did: nothing (not its kind of token), skipped a token, or found a problem in it. */
type Skipped = boolean | BalanceProblem;

const PAIRS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

/**
 * A light syntax check usable on any atom's code without loading a parser: brackets balance and
 * strings close, skipping comments and string contents (JS/TS template literals with `${}` and
 * Python triple-quoted strings included). Returns the first problem found.
 */
export function checkBalance(code: string, language: string): BalanceProblem | undefined {
  const s: Scanner = { code, python: language === 'python', i: 0, line: 1, last: '' };
  const stack: { ch: string; line: number }[] = [];
  while (s.i < code.length) {
    const c = code[s.i]!;
    // Order matters: a "/" may open a regular expression or a comment, and only outside both a bracket counts.
    const skipped = skipRegexLiteral(s, c) || skipNewline(s, c) || skipComment(s, c) || skipString(s, c);
    if (skipped === true) continue;
    if (skipped) return skipped;
    if (c !== ' ' && c !== '\t' && c !== '\r') s.last = c;
    if (c === '(' || c === '[' || c === '{') stack.push({ ch: c, line: s.line });
    else if (c === ')' || c === ']' || c === '}') {
      const top = stack.pop();
      if (!top) return { line: s.line, message: `unmatched "${c}"` };
      if (top.ch !== PAIRS[c]) return { line: s.line, message: `"${c}" closes "${top.ch}" opened on line ${top.line}` };
    }
    s.i++;
  }
  const open = stack.pop();
  return open ? { line: open.line, message: `"${open.ch}" is never closed` } : undefined;
}

/** A JS/TS regular expression literal, where a "/" can start one (after an operator or keyword, not a value). */
function skipRegexLiteral(s: Scanner, c: string): boolean {
  const { code, i, last } = s;
  if (s.python || c !== '/' || code[i + 1] === '/' || code[i + 1] === '*') return false;
  const canStart =
    last === '' ||
    '(,=:[!&|?{};+-*%<>~^'.includes(last) ||
    /\b(return|typeof|case|in|of|void|yield|await)$/.test(code.slice(Math.max(0, i - 8), i).trimEnd());
  if (!canStart) return false;
  const end = skipRegex(code, i);
  if (end <= 0) return false;
  s.i = end;
  s.last = '/';
  return true;
}

function skipNewline(s: Scanner, c: string): boolean {
  if (c !== '\n') return false;
  s.line++;
  s.i++;
  return true;
}

/** A line comment (up to, not over, its newline) or a block comment. */
function skipComment(s: Scanner, c: string): Skipped {
  const { code, python } = s;
  if (python ? c === '#' : c === '/' && code[s.i + 1] === '/') {
    while (s.i < code.length && code[s.i] !== '\n') s.i++;
    return true;
  }
  if (python || c !== '/' || code[s.i + 1] !== '*') return false;
  const end = code.indexOf('*/', s.i + 2);
  if (end === -1) return { line: s.line, message: 'unterminated block comment' };
  for (let k = s.i; k < end; k++) if (code[k] === '\n') s.line++;
  s.i = end + 2;
  return true;
}

/** A quoted string: '…' or "…" on one line, a JS/TS template literal, or a Python triple-quoted string. */
function skipString(s: Scanner, c: string): Skipped {
  const { code, python } = s;
  if (c !== '"' && c !== "'" && (python || c !== '`')) return false;
  const n = code.length;
  const triple = python && code.startsWith(c.repeat(3), s.i);
  const quote = triple ? c.repeat(3) : c;
  const startLine = s.line;
  s.i += quote.length;
  while (s.i < n) {
    const d = code[s.i]!;
    if (d === '\\') {
      if (code[s.i + 1] === '\n') s.line++;
      s.i += 2;
      continue;
    }
    if (d === '\n') {
      if (!triple && c !== '`') return { line: startLine, message: `unterminated string starting with ${c}` };
      s.line++;
    }
    if (code.startsWith(quote, s.i)) {
      s.i += quote.length;
      s.last = c;
      return true;
    }
    if (c === '`' && d === '$' && code[s.i + 1] === '{') skipSubstitution(s);
    else s.i++;
  }
  return { line: startLine, message: `unterminated string starting with ${quote}` };
}

/** A template substitution `${…}`: to the matching brace, counting nested ones. */
function skipSubstitution(s: Scanner): void {
  const { code } = s;
  let depth = 1;
  s.i += 2;
  while (s.i < code.length && depth > 0) {
    if (code[s.i] === '{') depth++;
    else if (code[s.i] === '}') depth--;
    else if (code[s.i] === '\n') s.line++;
    s.i++;
  }
}

/** The index after a regular expression literal starting at `start`, or −1 when it is not one on this line. */
function skipRegex(code: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < code.length; i++) {
    const c = code[i]!;
    if (c === '\n') return -1;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let j = i + 1;
      while (j < code.length && /[a-z]/i.test(code[j]!)) j++;
      return j;
    }
  }
  return -1;
}
