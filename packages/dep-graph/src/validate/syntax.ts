/** A bracket or string left open (or closed without opening) in a piece of code, with its 1-based line. */
export interface BalanceProblem {
  line: number;
  message: string;
}

/**
 * A light syntax check usable on any atom's code without loading a parser: brackets balance and
 * strings close, skipping comments and string contents (JS/TS template literals with `${}` and
 * Python triple-quoted strings included). Returns the first problem found.
 */
export function checkBalance(code: string, language: string): BalanceProblem | undefined {
  const python = language === 'python';
  const stack: { ch: string; line: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let line = 1;
  let i = 0;
  const n = code.length;
  // The last significant character decides whether a "/" starts a regular expression literal.
  let last = '';
  while (i < n) {
    const c = code[i]!;
    if (
      c !== ' ' &&
      c !== '\t' &&
      c !== '\n' &&
      c !== '\r' &&
      !(c === '/' && (code[i + 1] === '/' || code[i + 1] === '*'))
    ) {
      if (
        !python &&
        c === '/' &&
        (last === '' ||
          '(,=:[!&|?{};+-*%<>~^'.includes(last) ||
          /\b(return|typeof|case|in|of|void|yield|await)$/.test(code.slice(Math.max(0, i - 8), i).trimEnd()))
      ) {
        const end = skipRegex(code, i);
        if (end > 0) {
          i = end;
          last = '/';
          continue;
        }
      }
    }
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (python ? c === '#' : c === '/' && code[i + 1] === '/') {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (!python && c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end === -1) return { line, message: 'unterminated block comment' };
      for (let k = i; k < end; k++) if (code[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'" || (!python && c === '`')) {
      const triple = python && code.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      const startLine = line;
      i += quote.length;
      let closed = false;
      while (i < n) {
        const d = code[i]!;
        if (d === '\\') {
          if (code[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (d === '\n') {
          if (!triple && c !== '`') return { line: startLine, message: `unterminated string starting with ${c}` };
          line++;
        }
        if (code.startsWith(quote, i)) {
          i += quote.length;
          closed = true;
          break;
        }
        if (c === '`' && d === '$' && code[i + 1] === '{') {
          // Template substitution: skip to the matching brace, counting nested ones.
          let depth = 1;
          i += 2;
          while (i < n && depth > 0) {
            if (code[i] === '{') depth++;
            else if (code[i] === '}') depth--;
            else if (code[i] === '\n') line++;
            i++;
          }
          continue;
        }
        i++;
      }
      if (!closed) return { line: startLine, message: `unterminated string starting with ${quote}` };
      last = c;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') last = c;
    if (c === '(' || c === '[' || c === '{') stack.push({ ch: c, line });
    else if (c === ')' || c === ']' || c === '}') {
      const top = stack.pop();
      if (!top) return { line, message: `unmatched "${c}"` };
      if (top.ch !== pairs[c]) return { line, message: `"${c}" closes "${top.ch}" opened on line ${top.line}` };
    }
    i++;
  }
  const open = stack.pop();
  return open ? { line: open.line, message: `"${open.ch}" is never closed` } : undefined;
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
