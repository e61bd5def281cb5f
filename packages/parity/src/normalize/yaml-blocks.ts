import { blankLinesRule, finalNewline, trailingWhitespaceRule } from './basic.js';
import { blockTails } from './yaml-block-tails.js';
import type { Normalizer } from './types.js';
import { scanYamlScalars } from './yaml-scalars.js';

/**
 * `trailing-whitespace` for YAML: lines inside block scalars and quoted scalars keep their spaces (the value's),
 * but for the empty lines after a block scalar's last text line (spaces there are never the value).
 */
export const trailingWhitespaceYaml = trailingWhitespaceRule('trailing-whitespace-yaml', lineEndsInScalar);
/**
 * `blank-lines` for YAML: blank lines inside block, quoted and multi-line plain scalars are the value and stay,
 * and so do those after a keep (`|+`) scalar's text; after a strip or clip scalar's text they are layout.
 */
export const blankLinesYaml = blankLinesRule('blank-lines-yaml', blankLinesInScalar);

/**
 * `final-newline` for YAML: where the file ends inside a block scalar, its last text line (trailing spaces
 * and all) is the value, and so are a `|+` (keep) scalar's line breaks after it, however the file ends
 * (`x` at the end of the file is read as `x\n`); the empty lines of a strip or clip scalar are dropped.
 */
export const finalNewlineYaml: Normalizer = {
  name: 'final-newline-yaml',
  description:
    'a non-empty file ends with exactly one newline (keeping the trailing lines and spaces of a block scalar)',
  apply: endWithOneNewline,
};

/** Blank lines that are a scalar's newlines: in a block scalar, a quoted scalar, or a multi-line plain scalar. */
function blankLinesInScalar(lines: readonly string[]): boolean[] {
  const scan = scanYamlScalars(lines);
  const { trail, kept } = blockTails(lines, scan);
  return scan.blockHeader.map(
    (header, i) => (header >= 0 && (!trail[i] || kept[i]!)) || scan.quoted[i]! || scan.plainBlank[i]!,
  );
}

/**
 * `trailingWhitespaceRule` keeps line i when line i + 1 is marked (a string open at the end of line i):
 * so it is for quoted scalars; a block scalar's lines are whole lines, so each one's predecessor is
 * marked instead. Trailing spaces of plain scalars are folded away by YAML: they are trimmed.
 */
function lineEndsInScalar(lines: readonly string[]): boolean[] {
  const scan = scanYamlScalars(lines);
  const { trail } = blockTails(lines, scan);
  return [...scan.quoted, false].map((q, i) => q || (i > 0 && scan.blockHeader[i - 1]! >= 0 && !trail[i - 1]));
}

function endWithOneNewline(text: string): string {
  const lines = text.split('\n');
  const scan = scanYamlScalars(lines);
  const header = scan.blockHeader[lines.length - 1]!;
  if (header < 0) return finalNewline.apply(text);
  const { lastText, keep, unsure } = blockTails(lines, scan).scalars.get(header)!;
  if (unsure) return text;
  const breaks = lines.length - 1 - lastText; // line breaks after the last text line
  const body = lines.slice(0, lastText + 1).join('\n');
  return `${body}${'\n'.repeat(keep ? Math.max(1, breaks) : 1)}`;
}
