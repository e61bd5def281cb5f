import { blankLinesRule, indentOf, isBlank, trailingWhitespaceRule } from './basic.js';
import { yamlFlowScalarLines } from './yaml-flow-scalars.js';

// A block scalar header ends its line: `key: |`, `- >-`, `key: |2+  # comment`.
const BLOCK_HEADER = /(?:^|[:-][ \t])[|>][-+0-9]*[ \t]*(?:#.*)?$/;

/**
 * Marks the lines inside YAML block scalars (`|` literal, `>` folded): every line after the header
 * that is blank or indented deeper than the header's line. Their blank lines and trailing spaces are
 * the value (a `|+` block keeps even trailing blank lines), so layout rules must leave them alone.
 * It errs towards marking too much (a `|` inside a quoted value), which only leaves a line unnormalized.
 */
export function yamlBlockScalarLines(lines: readonly string[]): boolean[] {
  const inside = new Array<boolean>(lines.length).fill(false);
  let parent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (parent >= 0 && (isBlank(line) || indentOf(line).length > parent)) {
      inside[i] = true;
      continue;
    }
    parent = BLOCK_HEADER.test(line) ? indentOf(line).length : -1;
  }
  return inside;
}

/** `trailing-whitespace` for YAML: lines inside block scalars and quoted scalars keep their spaces (the value's). */
export const trailingWhitespaceYaml = trailingWhitespaceRule('trailing-whitespace-yaml', lineEndsInScalar);
/** `blank-lines` for YAML: blank lines inside block, quoted and multi-line plain scalars are the value and stay. */
export const blankLinesYaml = blankLinesRule('blank-lines-yaml', blankLinesInScalar);

/** Blank lines that are a scalar's newlines: in a block scalar, a quoted scalar, or a multi-line plain scalar. */
function blankLinesInScalar(lines: readonly string[]): boolean[] {
  const block = yamlBlockScalarLines(lines);
  const { quoted, plainBlank } = yamlFlowScalarLines(lines, block);
  return block.map((b, i) => b || quoted[i]! || plainBlank[i]!);
}

/**
 * `trailingWhitespaceRule` keeps line i when line i + 1 is marked (a string open at the end of line i):
 * so it is for quoted scalars; a block scalar's lines are whole lines, so each one's predecessor is
 * marked instead. Trailing spaces of plain scalars are folded away by YAML: they are trimmed.
 */
function lineEndsInScalar(lines: readonly string[]): boolean[] {
  const block = yamlBlockScalarLines(lines);
  const { quoted } = yamlFlowScalarLines(lines, block);
  return [...quoted, false].map((q, i) => q || (i > 0 && block[i - 1]!));
}
