/**
 * Line endings of a file being merged. A CRLF checkout (git `core.autocrlf`, a Windows editor) of a
 * generated file is the same file: the merge works on LF text and the result goes back in the file's
 * own line ending. Only CRLF is folded (a lone CR stays line content), so the round trip is exact.
 * (@st3/parity's `line-endings` normalizer only compares; the scaffolder needs the way back too.)
 */
export type LineEnding = '\n' | '\r\n';

/** CRLF when every line break of `text` is CRLF; LF otherwise (no line break, all LF, or a mix). */
export function lineEndingOf(text: string): LineEnding {
  const lf = count(text, '\n');
  return lf > 0 && count(text, '\r\n') === lf ? '\r\n' : '\n';
}

/** CRLF folded to LF. */
export function toLf(text: string): string {
  return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
}

/** LF text in `eol`. */
export function withLineEnding(text: string, eol: LineEnding): string {
  return eol === '\n' ? text : text.replace(/\n/g, '\r\n');
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
