import type { YamlScalarLines } from './yaml-scalars.js';

/**
 * The empty lines after each block scalar's last text line. YAML's chomping decides what they are: for
 * strip (`-`) and clip they are no part of the value (layout, like blank lines between entries); for keep
 * (`+`) each is one line break of the value. Either way their spaces are not: an empty line holds no more
 * spaces than the content's indentation.
 */
export interface BlockTails {
  /** Line i is an empty line after its block scalar's last text line. */
  trail: boolean[];
  /** Line i is such a line of a keep (`+`) scalar: a line break of the value. */
  kept: boolean[];
  /**
   * By header line: the scalar's last text line (the header when it has none) and whether it keeps its
   * tail; `unsure` when its tail is left as it is (nothing in `trail`).
   */
  scalars: Map<number, { lastText: number; keep: boolean; unsure: boolean }>;
}

const EMPTY = /^ *$/;

export function blockTails(lines: readonly string[], scan: YamlScalarLines): BlockTails {
  const tails: BlockTails = {
    trail: new Array<boolean>(lines.length).fill(false),
    kept: new Array<boolean>(lines.length).fill(false),
    scalars: new Map(),
  };
  for (const [header, indicators] of scan.blockIndicators) {
    let end = header;
    while (scan.blockHeader[end + 1] === header) end++;
    const keep = indicators.includes('+');
    const lastText = lastTextLine(lines, header, end);
    const indent = contentIndent(lines, header, lastText, indicators, scan.blockOwner.get(header) ?? -1);
    const unsure = !tailIsEmpty(lines, lastText, end, indent) || (keep && lastText === header);
    tails.scalars.set(header, { lastText, keep, unsure });
    if (unsure) continue;
    for (let i = lastText + 1; i <= end; i++) {
      tails.trail[i] = true;
      tails.kept[i] = keep;
    }
  }
  return tails;
}

/** The last line of the scalar at `header` (content up to `end`) with a character other than a space; else the header. */
function lastTextLine(lines: readonly string[], header: number, end: number): number {
  for (let i = end; i > header; i--) if (!EMPTY.test(lines[i]!)) return i;
  return header;
}

/**
 * The content's indentation: the indentation indicator added to the owner's column (at the root the
 * indicator itself, as the `yaml` parser reads it), else the first text line's. A scalar with neither
 * has only empty lines, however many spaces they hold.
 */
function contentIndent(lines: readonly string[], header: number, lastText: number, indicators: string, owner: number) {
  const digit = /[1-9]/.exec(indicators)?.[0];
  if (digit) return (owner < 0 ? 0 : owner) + Number(digit);
  for (let i = header + 1; i <= lastText; i++) if (!EMPTY.test(lines[i]!)) return /^ */.exec(lines[i]!)![0].length;
  return Infinity;
}

/**
 * The lines after the last text line hold no more spaces than the indentation. A deeper one is text by
 * the YAML spec (its extra spaces are the value) but parsers differ on it (the `yaml` package drops all
 * but the first such line, and counts them apart in a scalar with no other text): such a tail, and a keep
 * scalar's with no text, is left as it is: a missed equivalence at worst.
 */
function tailIsEmpty(lines: readonly string[], lastText: number, end: number, indent: number): boolean {
  for (let i = lastText + 1; i <= end; i++) if (lines[i]!.length > indent) return false;
  return true;
}
