import { blankLinesRule, indentOf, isBlank, trailingWhitespaceRule, type StringLines } from './basic.js';
import { templateLiteralLines } from './template-literals.js';
import type { Normalizer } from './types.js';

/**
 * Comment indentation carries no meaning: a comment line takes the indentation of the next code
 * line (or the previous one at the end of a block). Code lines are never changed, which makes the
 * rule idempotent. Lines inside multi-line strings are left alone.
 */
function commentIndent(name: string, marker: string, stringLines: StringLines): Normalizer {
  return {
    name,
    description: `lines that hold only a ${marker} comment take the indentation of the code they annotate`,
    apply: (text) => {
      if (!text.includes(marker)) return text;
      const lines = text.split('\n');
      const inString = stringLines(lines);
      const isComment = (i: number) => !inString[i] && lines[i]!.trimStart().startsWith(marker);
      const isCode = (i: number) => !isBlank(lines[i]!) && !isComment(i);
      const codeIndent = new Array<string | undefined>(lines.length);
      // the indentation of the next code line, filled from the end in one pass
      let next: string | undefined;
      for (let i = lines.length - 1; i >= 0; i--) {
        codeIndent[i] = next;
        if (isCode(i)) next = indentOf(lines[i]!);
      }
      let previous = '';
      for (let i = 0; i < lines.length; i++) {
        if (isCode(i)) {
          previous = indentOf(lines[i]!);
        } else if (isComment(i)) {
          const target = codeIndent[i] ?? previous;
          lines[i] = target + lines[i]!.trimStart();
        }
      }
      return lines.join('\n');
    },
  };
}

export const commentIndentHash = commentIndent('comment-indent-hash', '#', multiLineStringLines);
export const commentIndentSlash = commentIndent('comment-indent-slash', '//', templateLiteralLines);

/** Marks the lines that lie inside (not on the opening line of) a Python triple-quoted string. */
export function multiLineStringLines(lines: readonly string[]): boolean[] {
  const inside: boolean[] = new Array<boolean>(lines.length).fill(false);
  let open: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (open) inside[i] = true;
    const line = lines[i]!;
    let at = 0;
    for (;;) {
      const quote = open ?? firstTripleQuote(line, at);
      if (!quote) break;
      const from = open ? at : line.indexOf(quote, at) + 3;
      if (!open && line.slice(at, from - 3).includes('#')) break;
      const end = line.indexOf(quote, from);
      if (end < 0) {
        open = quote;
        break;
      }
      open = undefined;
      at = end + 3;
    }
  }
  return inside;
}

function firstTripleQuote(line: string, from: number): string | undefined {
  const d = line.indexOf('"""', from);
  const s = line.indexOf("'''", from);
  if (d < 0 && s < 0) return undefined;
  if (d < 0) return "'''";
  if (s < 0) return '"""';
  return d < s ? '"""' : "'''";
}

/**
 * JSDoc/block comment continuation lines (` * text`) line up one space right of the `/*` that
 * opened them, whatever the template's indentation was.
 */
export const blockCommentIndent: Normalizer = {
  name: 'block-comment-indent',
  description: 'continuation lines of /* */ comments line up under the opening /*',
  apply: (text) => {
    if (!text.includes('/*')) return text;
    const lines = text.split('\n');
    let openIndent: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const trimmed = line.trimStart();
      if (openIndent === undefined) {
        if (trimmed.startsWith('/*') && !trimmed.includes('*/')) openIndent = indentOf(line);
        continue;
      }
      if (trimmed.startsWith('*')) lines[i] = `${openIndent} ${trimmed}`;
      if (trimmed.includes('*/')) openIndent = undefined;
    }
    return lines.join('\n');
  },
};

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
