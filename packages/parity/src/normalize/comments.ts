import { blankLinesRule, indentOf, isBlank, trailingWhitespaceRule } from './basic.js';
import { multiLineStringLines } from './python-strings.js';
import { scanTsLines } from './template-literals.js';
import type { Normalizer } from './types.js';

/** What a line is to the comment-indent rules: code (never changed), a comment line (re-indented), or neither. */
type LineKind = 'code' | 'comment' | 'other';

/**
 * Comment indentation carries no meaning: a comment-only line takes the indentation of the next code
 * line (or the previous one at the end of a block). Code lines are never changed, which makes the
 * rule idempotent. Lines inside multi-line strings are code: their text is the string's value.
 */
function commentIndent(name: string, what: string, marker: string, kinds: (lines: string[]) => LineKind[]): Normalizer {
  return {
    name,
    description: `lines that hold only ${what} take the indentation of the code they annotate`,
    apply: (text) => {
      if (!text.includes(marker)) return text;
      const lines = text.split('\n');
      const kind = kinds(lines);
      const codeIndent = new Array<string | undefined>(lines.length);
      // the indentation of the next code line, filled from the end in one pass
      let next: string | undefined;
      for (let i = lines.length - 1; i >= 0; i--) {
        codeIndent[i] = next;
        if (kind[i] === 'code') next = indentOf(lines[i]!);
      }
      let previous = '';
      for (let i = 0; i < lines.length; i++) {
        if (kind[i] === 'code') previous = indentOf(lines[i]!);
        else if (kind[i] === 'comment') lines[i] = (codeIndent[i] ?? previous) + lines[i]!.trimStart();
      }
      return lines.join('\n');
    },
  };
}

function pythonLineKinds(lines: string[]): LineKind[] {
  const inString = multiLineStringLines(lines);
  return lines.map((line, i) =>
    isBlank(line) ? 'other' : !inString[i] && line.trimStart().startsWith('#') ? 'comment' : 'code',
  );
}

/**
 * A TypeScript line is a comment line when it holds only comments and begins outside one (`// …`,
 * `/* … *\/`, a `/**` that opens a JSDoc block); the lines inside a block comment are left to
 * `block-comment-indent`, which lines them up under the `/*` wherever it went.
 */
function tsLineKinds(lines: string[]): LineKind[] {
  return scanTsLines(lines).map((l, i) =>
    isBlank(lines[i]!) ? 'other' : l.code ? 'code' : l.inBlockComment ? 'other' : 'comment',
  );
}

export const commentIndentHash = commentIndent('comment-indent-hash', 'a # comment', '#', pythonLineKinds);
export const commentIndentSlash = commentIndent(
  'comment-indent-slash',
  'comments (//, /* */, a /** that opens JSDoc)',
  '/',
  tsLineKinds,
);

/**
 * The lines inside a block comment line up under the `/*` that opened them, whatever the template's
 * indentation was: ` * ` lines one column right of it, other lines keeping their indentation relative to
 * each other with the least indented one column right of it. Only blocks opened by a comment-only line,
 * and never a line inside a template literal or one that holds code after the closing `*\/`.
 */
export const blockCommentIndent: Normalizer = {
  name: 'block-comment-indent',
  description: 'lines inside /* */ comments line up under the opening /*',
  apply: (text) => {
    if (!text.includes('/*')) return text;
    const lines = text.split('\n');
    const scanned = scanTsLines(lines);
    for (let i = 0; i < lines.length; i++) {
      const opener = scanned[i]!;
      if (opener.inBlockComment || opener.inTemplate || !lines[i]!.trimStart().startsWith('/*')) continue;
      let end = i + 1;
      while (end < lines.length && scanned[end]!.inBlockComment) end++;
      const body: number[] = [];
      for (let k = i + 1; k < end; k++) if (!scanned[k]!.code && !isBlank(lines[k]!)) body.push(k);
      alignUnder(lines, body, `${indentOf(lines[i]!)} `);
      i = end - 1;
    }
    return lines.join('\n');
  },
};

/** ` * ` lines at `indent`; the other lines shifted together so that the least indented one is at `indent`. */
function alignUnder(lines: string[], body: readonly number[], indent: string): void {
  const plain = body.filter((k) => !lines[k]!.trimStart().startsWith('*'));
  const cut = Math.min(...plain.map((k) => indentOf(lines[k]!).length));
  for (const k of body) {
    const line = lines[k]!;
    lines[k] = line.trimStart().startsWith('*') ? indent + line.trimStart() : indent + line.slice(cut);
  }
}

/**
 * Python docstrings re-indented the PEP 257 way: continuation lines keep their indentation
 * relative to each other, and the least indented one lines up with the opening quotes.
 */
export const docstringIndent: Normalizer = {
  name: 'docstring-indent',
  description: 'multi-line Python docstrings re-indented to the indentation of their opening quotes (PEP 257)',
  apply: (text) => {
    if (!text.includes('"""') && !text.includes("'''")) return text;
    const lines = text.split('\n');
    const inString = multiLineStringLines(lines);
    for (let i = 0; i < lines.length; i++) {
      if (inString[i]) continue;
      const trimmed = lines[i]!.trimStart();
      const quote = trimmed.startsWith('"""') ? '"""' : trimmed.startsWith("'''") ? "'''" : undefined;
      if (!quote || trimmed.indexOf(quote, 3) >= 0) continue;
      let end = i + 1;
      while (end < lines.length && !lines[end]!.includes(quote)) end++;
      if (end >= lines.length) break;
      const base = indentOf(lines[i]!);
      const body = lines.slice(i + 1, end + 1);
      let common: number | undefined;
      for (const line of body) {
        if (isBlank(line)) continue;
        const n = indentOf(line).length;
        common = common === undefined ? n : Math.min(common, n);
      }
      const cut = common ?? 0;
      for (let k = i + 1; k <= end; k++) {
        const line = lines[k]!;
        lines[k] = isBlank(line) ? '' : base + line.slice(Math.min(cut, indentOf(line).length));
      }
      i = end;
    }
    return lines.join('\n');
  },
};

/** `trailing-whitespace` for Python: a line ending inside a triple-quoted string keeps its spaces (they are the string's). */
export const trailingWhitespacePython = trailingWhitespaceRule('trailing-whitespace-python', multiLineStringLines);
/** `blank-lines` for Python: blank lines inside a triple-quoted string are its value and stay. */
export const blankLinesPython = blankLinesRule('blank-lines-python', multiLineStringLines);
