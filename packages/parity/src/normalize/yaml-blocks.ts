import { blankLinesRule, finalNewline, indentOf, isBlank, trailingWhitespaceRule } from './basic.js';
import type { Normalizer } from './types.js';
import { scanYamlScalars, type YamlScalarLines } from './yaml-scalars.js';

/** `trailing-whitespace` for YAML: lines inside block scalars and quoted scalars keep their spaces (the value's). */
export const trailingWhitespaceYaml = trailingWhitespaceRule('trailing-whitespace-yaml', lineEndsInScalar);
/** `blank-lines` for YAML: blank lines inside block, quoted and multi-line plain scalars are the value and stay. */
export const blankLinesYaml = blankLinesRule('blank-lines-yaml', blankLinesInScalar);

/**
 * `final-newline` for YAML: where the file ends inside a block scalar, its last line's trailing spaces
 * are the value, and so are the trailing blank lines of a `|+` (keep) scalar and any that hold more
 * spaces than its content's indentation; only lines that are surely empty are dropped.
 */
export const finalNewlineYaml: Normalizer = {
  name: 'final-newline-yaml',
  description:
    'a non-empty file ends with exactly one newline (keeping the trailing lines and spaces of a block scalar)',
  apply: endWithOneNewline,
};

/** Blank lines that are a scalar's newlines: in a block scalar, a quoted scalar, or a multi-line plain scalar. */
function blankLinesInScalar(lines: readonly string[]): boolean[] {
  const { blockHeader, quoted, plainBlank } = scanYamlScalars(lines);
  return blockHeader.map((header, i) => header >= 0 || quoted[i]! || plainBlank[i]!);
}

/**
 * `trailingWhitespaceRule` keeps line i when line i + 1 is marked (a string open at the end of line i):
 * so it is for quoted scalars; a block scalar's lines are whole lines, so each one's predecessor is
 * marked instead. Trailing spaces of plain scalars are folded away by YAML: they are trimmed.
 */
function lineEndsInScalar(lines: readonly string[]): boolean[] {
  const { blockHeader, quoted } = scanYamlScalars(lines);
  return [...quoted, false].map((q, i) => q || (i > 0 && blockHeader[i - 1]! >= 0));
}

function endWithOneNewline(text: string): string {
  const lines = text.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && isBlank(lines[last]!)) last--;
  const scan = scanYamlScalars(lines);
  // the block scalar the file ends in: its last content line, or its header followed by blank lines only
  const header = last < 0 ? -1 : Math.max(scan.blockHeader[last]!, scan.blockHeader[last + 1] ?? -1);
  if (header < 0) return finalNewline.apply(text);
  const tail = lines.slice(last + 1);
  if (tail.length === 0) return `${text}\n`; // a last line without its line break: YAML reads one there
  const limit = emptyLineLimit(lines, header, scan);
  if (limit === undefined || !tail.every((line) => /^ *$/.test(line) && line.length <= limit)) return text;
  return `${lines.slice(0, last + 1).join('\n')}\n`;
}

/**
 * How many spaces a trailing line of the block scalar at `header` may hold and still be no part of its
 * value; undefined when every trailing line is (keep chomping). With an explicit indentation indicator
 * or no content line to learn the indentation from, only empty lines are surely empty.
 */
function emptyLineLimit(lines: readonly string[], header: number, scan: YamlScalarLines): number | undefined {
  const indicators = scan.blockIndicators.get(header) ?? '';
  if (indicators.includes('+')) return undefined;
  if (/[1-9]/.test(indicators)) return 0;
  const first = scan.blockHeader.findIndex((h, i) => h === header && !isBlank(lines[i]!));
  return first < 0 ? 0 : indentOf(lines[first]!).length;
}
