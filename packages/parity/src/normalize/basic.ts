import type { Normalizer } from './types.js';

/** CRLF and lone CR become LF: the same file checked out on Windows is the same file. */
export const lineEndings: Normalizer = {
  name: 'line-endings',
  description: 'CRLF and CR line endings become LF',
  apply: (text) => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text),
};

/** Spaces and tabs at the end of a line carry no meaning in code (Markdown is excluded: two spaces are a line break there). */
export const trailingWhitespace: Normalizer = {
  name: 'trailing-whitespace',
  description: 'spaces and tabs at the end of each line are removed',
  apply: (text) =>
    text
      .split('\n')
      .map((line) => trimEnd(line, ' \t'))
      .join('\n'),
};

/** Runs of blank lines collapse to one blank line; leading blank lines of the file are dropped. */
export const blankLines: Normalizer = {
  name: 'blank-lines',
  description: 'runs of blank lines collapse to a single blank line',
  apply: (text) => {
    const out: string[] = [];
    let blanks = 0;
    for (const line of text.split('\n')) {
      const blank = isBlank(line);
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
  },
};

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
