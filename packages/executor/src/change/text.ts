import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';

/**
 * sha1 (hex) of an atom's code without the blank lines at its edges (the atomizer gives an atom the blank
 * line before it; an agent's code has none): how a later run recognises code a change wrote.
 */
export function codeDigest(code: string): string {
  const core = code.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/(?:\r?\n[ \t]*)+$/, '');
  return createHash('sha1').update(core).digest('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Lines of a text; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines back, ending with a newline when the original text did. */
export function joinLines(lines: readonly string[], finalNewline: boolean): string {
  if (lines.length === 0) return '';
  return `${lines.join('\n')}${finalNewline ? '\n' : ''}`;
}

/**
 * `code` with the line breaks of `text`: CRLF when the text's first line ends with one, else LF. An
 * agent's answer and a reviewer's code come with LF (or CRLF pasted into an LF file): written as they
 * are, they would mix line endings in the file and turn "the same code" into a change.
 */
export function withLineEndingsOf(text: string, code: string): string {
  const first = text.indexOf('\n');
  return code.replace(/\r?\n/g, first > 0 && text[first - 1] === '\r' ? '\r\n' : '\n');
}

/** The text with lines `start..end` (1-based, inclusive) replaced by `replacement` (in the text's line endings). */
export function replaceLines(text: string, start: number, end: number, replacement: string): string {
  const lines = splitLines(text);
  const finalNewline = text === '' || text.endsWith('\n');
  const inserted = splitLines(withLineEndingsOf(text, replacement.endsWith('\n') ? replacement : `${replacement}\n`));
  // Not splice(..., ...inserted): a replacement of a few hundred thousand lines would overflow the call stack.
  const replaced = lines.slice(0, start - 1).concat(inserted, lines.slice(end));
  return joinLines(replaced, finalNewline || end >= lines.length);
}

/** Lines `start..end` (1-based, inclusive) of a text, without the final newline. */
export function sliceLines(text: string, start: number, end: number): string {
  return splitLines(text)
    .slice(start - 1, end)
    .join('\n');
}

/**
 * Where `code` (whole lines) is in `text` now: the occurrence nearest to `hintStart`. Trailing
 * whitespace is ignored when comparing. Undefined when the code is not there.
 */
export function locateLines(text: string, code: string, hintStart = 1): { start: number; end: number } | undefined {
  const hay = splitLines(text).map((l) => l.trimEnd());
  const needle = splitLines(code).map((l) => l.trimEnd());
  if (needle.length === 0) return undefined;
  let best: number | undefined;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let same = true;
    for (let k = 0; k < needle.length && same; k++) same = hay[i + k] === needle[k];
    if (same && (best === undefined || Math.abs(i + 1 - hintStart) < Math.abs(best + 1 - hintStart))) best = i;
  }
  return best === undefined ? undefined : { start: best + 1, end: best + needle.length };
}

/** A unified diff of one file (`a/<path>` → `b/<path>`), empty when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const p = path.replace(/\\/g, '/');
  return createTwoFilesPatch(`a/${p}`, `b/${p}`, before, after, undefined, undefined, { context: 3 });
}
