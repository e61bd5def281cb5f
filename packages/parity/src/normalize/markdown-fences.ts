import { blankLinesRule } from './basic.js';

// A fence opens with 3+ backticks or tildes after at most 3 spaces (CommonMark); backtick fences take no backtick in the info string.
const FENCE = /^ {0,3}(`{3,}(?!.*`)|~{3,})/;

/**
 * Marks the lines inside Markdown fenced code blocks (not the fence lines): their blank lines are the
 * code's, shown as written. A fence closes with the same character, at least as long, and nothing after
 * it; an unclosed fence runs to the end of the document, as CommonMark reads it.
 */
export function fencedCodeLines(lines: readonly string[]): boolean[] {
  const inside = new Array<boolean>(lines.length).fill(false);
  let open: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (open === undefined) {
      open = FENCE.exec(line)?.[1];
      continue;
    }
    const close = FENCE.exec(line)?.[1];
    if (close && close[0] === open[0] && close.length >= open.length && line.trim() === close) open = undefined;
    else inside[i] = true;
  }
  return inside;
}

/** `blank-lines` for Markdown: blank lines inside fenced code blocks are the code's and stay. */
export const blankLinesMarkdown = blankLinesRule('blank-lines-markdown', fencedCodeLines);
