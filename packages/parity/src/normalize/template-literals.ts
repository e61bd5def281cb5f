import { blankLinesRule, trailingWhitespaceRule } from './basic.js';

/** Where a line of TypeScript/JavaScript begins, and whether it holds anything but comments. */
export interface TsLine {
  /** Begins inside a template literal's text: its blank lines, spaces and `//` are the string's value. */
  inTemplate: boolean;
  /** Begins inside a `/* … *\/` comment (a continuation line). */
  inBlockComment: boolean;
  /** Holds something outside comments (code, or string text): never re-indented by the comment rules. */
  code: boolean;
}

/**
 * Classifies each line of TypeScript/JavaScript: template literals spanning lines (`${…}` nesting
 * included), block comments, and code. Quoted strings end at their line's end at the latest. A `/`
 * where an expression starts (after `(`, `=`, `,`, `return`, …) opens a regular expression, whose
 * quotes, backticks and `/*` are its own: read as a comment, the `/*` in `/\/*$/` hid every template
 * literal after it from the scan, and their blank lines were collapsed. Where the scan is unsure it
 * marks too many lines as string text, which leaves them unnormalized.
 */
export function scanTsLines(lines: readonly string[]): TsLine[] {
  const scan: Scan = { templates: [], blockComment: false, last: '', word: '' };
  return lines.map((line) => {
    const inTemplate = scan.templates.at(-1) === -1;
    const inBlockComment = scan.blockComment;
    const code = scanLine(line, scan) || inTemplate;
    return { inTemplate, inBlockComment, code };
  });
}

/** Marks the lines that begin inside a template literal (a backtick string spanning lines). */
export function templateLiteralLines(lines: readonly string[]): boolean[] {
  return scanTsLines(lines).map((l) => l.inTemplate);
}

interface Scan {
  /** One entry per open template literal: how many `{` are open in its current `${…}` (-1: in its text). */
  templates: number[];
  blockComment: boolean;
  /** The last character of code outside strings and comments ('' at the start), and the word it ends, if any. */
  last: string;
  word: string;
}

/** Words after which a `/` starts a regular expression, not a division. */
const BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/** Does a `/` here start a regular expression? After an operator or opening bracket, or at the start, it does. */
function startsRegex(scan: Scan): boolean {
  if (scan.last === '') return true;
  if (/[\w$]/.test(scan.last)) return BEFORE_EXPRESSION.has(scan.word);
  return !/[)\]'"`]/.test(scan.last);
}

/** The index of the `/` that ends the regular expression opened at `start` (the line's end when none does). */
function regexEnd(line: string, start: number): number {
  let inClass = false;
  for (let c = start + 1; c < line.length; c++) {
    const ch = line[c];
    if (ch === '\\') c++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) return c;
  }
  return line.length;
}

/** Remembers the last code character outside strings and comments, and the word it is part of. */
function note(scan: Scan, ch: string, gap: boolean): void {
  const wordChar = /[\w$]/.test(ch);
  scan.word = wordChar ? (!gap && /[\w$]/.test(scan.last) ? scan.word + ch : ch) : '';
  scan.last = ch;
}

/** Moves the scan across one line (a quoted string and a line comment end with it); true when it held code. */
function scanLine(line: string, scan: Scan): boolean {
  const { templates } = scan;
  let quote = '';
  let code = false;
  // a word never continues across a line break or a space
  let gap = true;
  for (let c = 0; c < line.length; c++) {
    const ch = line[c]!;
    const next = line[c + 1];
    const top = templates.length - 1;
    if (scan.blockComment) {
      if (ch === '*' && next === '/') {
        scan.blockComment = false;
        c++;
      }
      continue;
    }
    const inText = quote !== '' || templates[top] === -1;
    if (!inText && (ch === ' ' || ch === '\t')) {
      gap = true;
      continue;
    }
    if (inText || !(ch === '/' && (next === '/' || next === '*'))) code = true;
    if (inText) {
      // a closed string or template is an operand (a `/` after it divides); `${` opens an expression
      if (ch === '\\') c++;
      else if (quote !== '') {
        if (ch === quote) {
          quote = '';
          note(scan, ch, false);
        }
      } else if (ch === '`') {
        templates.pop();
        note(scan, ch, false);
      } else if (ch === '$' && next === '{') {
        templates[top] = 0;
        note(scan, '{', false);
        c++;
      }
      continue;
    }
    if (ch === '/' && next === '/') return code;
    if (ch === '/' && next === '*') {
      scan.blockComment = true;
      c++;
      continue;
    }
    if (ch === '/' && startsRegex(scan)) {
      // the regular expression is an operand, like a closed bracket
      c = regexEnd(line, c);
      note(scan, ')', gap);
      gap = false;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '`') templates.push(-1);
    else if (top >= 0 && ch === '{') templates[top]!++;
    else if (top >= 0 && ch === '}') templates[top] = templates[top] === 0 ? -1 : templates[top]! - 1;
    note(scan, ch, gap);
    gap = false;
  }
  return code;
}

/** `trailing-whitespace` for TypeScript/JavaScript: a line ending inside a template literal keeps its spaces. */
export const trailingWhitespaceTs = trailingWhitespaceRule('trailing-whitespace-ts', templateLiteralLines);
/** `blank-lines` for TypeScript/JavaScript: blank lines inside a template literal are its value and stay. */
export const blankLinesTs = blankLinesRule('blank-lines-ts', templateLiteralLines);
