import type { Normalizer } from './types.js';

/** CRLF and lone CR become LF: the same file checked out on Windows is the same file. */
export const lineEndings: Normalizer = {
  name: 'line-endings',
  description: 'CRLF and CR line endings become LF',
  apply: (text) => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text),
};

/** Which lines of a text are inside a string literal (whose content is a value, not layout). */
export type StringLines = (lines: readonly string[]) => boolean[];

/**
 * Spaces and tabs at the end of a line carry no meaning in code (Markdown is excluded: two spaces are
 * a line break there) — unless the line ends inside a string (`inString`), where they are its value.
 */
export function trailingWhitespaceRule(name: string, inString?: StringLines): Normalizer {
  return {
    name,
    description: `spaces and tabs at the end of each line are removed${inString ? ' (not inside multi-line strings)' : ''}`,
    apply: (text) => {
      const lines = text.split('\n');
      const inside = inString?.(lines);
      // Line i ends inside a string when line i + 1 is inside it.
      return lines.map((line, i) => (inside?.[i + 1] ? line : trimEnd(line, ' \t'))).join('\n');
    },
  };
}

/** Runs of blank lines collapse to one blank line; leading blank lines of the file are dropped; blank lines inside a string stay. */
export function blankLinesRule(name: string, inString?: StringLines): Normalizer {
  return {
    name,
    description: `runs of blank lines collapse to a single blank line${inString ? ' (not inside multi-line strings)' : ''}`,
    apply: (text) => collapseBlankLines(text, inString),
  };
}

export const trailingWhitespace = trailingWhitespaceRule('trailing-whitespace');
export const blankLines = blankLinesRule('blank-lines');

function collapseBlankLines(text: string, inString?: StringLines): string {
  const out: string[] = [];
  let blanks = 0;
  const lines = text.split('\n');
  const inside = inString?.(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const blank = isBlank(line) && !inside?.[i];
    if (blank) {
      blanks++;
      // a blank line is kept only after content and only once per run
      if (blanks === 1 && out.length > 0) out.push('');
    } else {
      blanks = 0;
      out.push(line);
    }
  }
  return out.join('\n');
}

/** A non-empty file ends with exactly one newline. */
export const finalNewline: Normalizer = {
  name: 'final-newline',
  description: 'a non-empty file ends with exactly one newline',
  apply: (text) => {
    const trimmed = trimEnd(text, ' \t\r\n');
    return trimmed === '' ? '' : `${trimmed}\n`;
  },
};

export function trimEnd(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end === text.length ? text : text.slice(0, end);
}

export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line[i] !== ' ' && line[i] !== '\t') return false;
  return true;
}

export function indentOf(line: string): string {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(0, i);
}
