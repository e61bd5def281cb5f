import { blankLinesRule, trailingWhitespaceRule } from './basic.js';

/**
 * Marks the lines that begin inside a TypeScript/JavaScript template literal (a backtick string
 * spanning lines, `${…}` nesting included): their blank lines and trailing spaces are the string's
 * value. Comments and quoted strings are skipped; a quoted string ends at its line's end at the
 * latest. Regular expressions are not recognised: a quote or backtick in one can only make the scan
 * mark too many lines, which leaves them unnormalized.
 */
export function templateLiteralLines(lines: readonly string[]): boolean[] {
  const inside = new Array<boolean>(lines.length).fill(false);
  const scan = { templates: [] as number[], blockComment: false };
  for (let i = 0; i < lines.length; i++) {
    inside[i] = scan.templates.at(-1) === -1;
    scanLine(lines[i]!, scan);
  }
  return inside;
}

interface Scan {
  /** One entry per open template literal: how many `{` are open in its current `${…}` (-1: in its text). */
  templates: number[];
  blockComment: boolean;
}

/** Moves the scan across one line (a quoted string and a line comment end with it). */
function scanLine(line: string, scan: Scan): void {
  const { templates } = scan;
  let quote = '';
  for (let c = 0; c < line.length; c++) {
    const ch = line[c]!;
    const next = line[c + 1];
    const top = templates.length - 1;
    if (scan.blockComment) {
      if (ch === '*' && next === '/') {
        scan.blockComment = false;
        c++;
      }
    } else if (quote !== '' || templates[top] === -1) {
      if (ch === '\\') c++;
      else if (quote !== '') quote = ch === quote ? '' : quote;
      else if (ch === '`') templates.pop();
      else if (ch === '$' && next === '{') {
        templates[top] = 0;
        c++;
      }
    } else if (ch === '/' && next === '/') return;
    else if (ch === '/' && next === '*') {
      scan.blockComment = true;
      c++;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '`') templates.push(-1);
    else if (top >= 0 && ch === '{') templates[top]!++;
    else if (top >= 0 && ch === '}') templates[top] = templates[top] === 0 ? -1 : templates[top]! - 1;
  }
}

/** `trailing-whitespace` for TypeScript/JavaScript: a line ending inside a template literal keeps its spaces. */
export const trailingWhitespaceTs = trailingWhitespaceRule('trailing-whitespace-ts', templateLiteralLines);
/** `blank-lines` for TypeScript/JavaScript: blank lines inside a template literal are its value and stay. */
export const blankLinesTs = blankLinesRule('blank-lines-ts', templateLiteralLines);
