import { indentOf, isBlank } from './basic.js';

/** Which lines of a YAML text are inside a scalar that spans lines, where layout is the value. */
export interface YamlScalarLines {
  /** Line i is inside a block scalar (`|`, `>`): the line number of its header; -1 elsewhere. */
  blockHeader: number[];
  /** The indicators of each block scalar header (`-`, `+`, `2-`), by the header's line number. */
  blockIndicators: Map<number, string>;
  /** The column of the node that owns each block scalar (the key or `-`; -1 at the document's root), by header line. */
  blockOwner: Map<number, number>;
  /** Line i starts inside a quoted scalar (`"…"`, `'…'`) opened on an earlier line. */
  quoted: boolean[];
  /**
   * Line i is a blank line inside a multi-line plain scalar (the next content line continues it:
   * deeper than the node that owns it) or inside a flow collection (`[`, `{`: kept whole, to err on
   * the safe side).
   */
  plainBlank: boolean[];
}

/**
 * Finds the lines of multi-line scalars, where layout is the value: a blank line inside a block,
 * quoted or plain scalar is a newline of the value, trailing spaces in a block scalar are its text,
 * and a trailing space in a double-quoted one can be escaped (`\ `). Collapsing or trimming there
 * changes the value, so two different documents would compare equal.
 *
 * A block scalar's content is every line after its header that is blank or indented deeper than the
 * node that owns it (the key or `-` whose value it is): at the document's root that is every line up
 * to a document marker, even lines at column 0 (`--- |`, `!!str |`).
 *
 * A small scanner of YAML's syntax rather than the `yaml` package's lexer, which is not a dependency
 * of @st3/parity: when unsure it marks more, which only leaves a line unnormalized.
 */
export function scanYamlScalars(lines: readonly string[]): YamlScalarLines {
  const n = lines.length;
  const found: YamlScalarLines = {
    blockHeader: new Array<number>(n).fill(-1),
    blockIndicators: new Map(),
    blockOwner: new Map(),
    quoted: new Array<boolean>(n).fill(false),
    plainBlank: new Array<boolean>(n).fill(false),
  };
  const state: ScanState = { flowDepth: 0, nodeIndent: -1 };
  let block: { header: number; parent: number } | undefined;
  let pending: number[] = [];
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    if (block && inBlockScalar(line, block.parent)) {
      found.blockHeader[i] = block.header;
      continue;
    }
    block = undefined;
    if (state.quote) {
      found.quoted[i] = true;
      const end = scanQuoted(line, 0, state);
      if (end >= 0) scanNodes(line, end, state, false);
    } else if (isBlank(line)) {
      pending.push(i);
      continue;
    } else {
      const indent = indentOf(line).length;
      const continues =
        state.flowDepth > 0 || (state.plainOwner !== undefined && line[indent] !== '#' && indent > state.plainOwner);
      for (const b of continues ? pending : []) found.plainBlank[b] = true;
      pending = [];
      if (state.flowDepth === 0 && continues) scanPlain(line, indent, state, -1);
      else scanLine(line, state);
    }
    if (state.header) {
      block = { header: i, parent: state.header.parent };
      found.blockIndicators.set(i, state.header.indicators);
      found.blockOwner.set(i, state.header.parent);
      state.header = undefined;
    }
  }
  return found;
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;
/** `|` or `>`, then indentation and chomping indicators, then at most a comment. */
const BLOCK_HEADER = /^[|>]([-+1-9]{0,2})(?:[ \t]+#.*|[ \t]*)$/;

/** A block scalar owned by a node at column `parent` (-1: the document's root) goes on at this line. */
function inBlockScalar(line: string, parent: number): boolean {
  if (isBlank(line)) return true;
  return parent < 0 ? !DOCUMENT_MARKER.test(line) : indentOf(line).length > parent;
}

interface ScanState {
  /** The quote of a quoted scalar still open at the end of the line. */
  quote?: '"' | "'";
  /** `[` and `{` open at the end of the line. */
  flowDepth: number;
  /** A plain scalar open at the end of the line (block context): its continuation lines are indented deeper than this. */
  plainOwner?: number;
  /** Column of the innermost block node whose value the line writes (a key, a `-`); -1 at the document's top. */
  nodeIndent: number;
  /** A block scalar header just scanned: the column of the node that owns it, and its indicators. */
  header?: { parent: number; indicators: string };
}

/** A content line outside any scalar: document markers, then nodes from its indentation on. */
function scanLine(line: string, state: ScanState): void {
  state.plainOwner = undefined;
  if (line.startsWith('%')) return; // a directive
  if (DOCUMENT_MARKER.test(line)) {
    state.nodeIndent = -1;
    state.flowDepth = 0;
    scanNodes(line, 3, state);
    return;
  }
  scanNodes(line, indentOf(line).length, state);
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
const endsToken = (c: string | undefined) => c === undefined || c === ' ' || c === '\t';

/**
 * Scans from `pos`, where a node may start: indicators, tags and anchors, then a quoted scalar, a plain
 * scalar, a block scalar header (noted in `state.header`: the lines after it are its content) or flow brackets.
 */
function scanNodes(line: string, pos: number, state: ScanState, expectNode = true): void {
  // where the node's tag or anchor starts: a key's node (`&a key: |`) begins there, not at its text
  let propsStart: number | undefined;
  while (pos < line.length) {
    const c = line[pos]!;
    const next = line[pos + 1];
    const block = state.flowDepth === 0;
    if (isSpace(c)) pos++;
    else if (c === '#')
      return; // a comment (always after a space or at the line's start here)
    else if (!expectNode && c !== ']' && c !== '}') {
      // after a node only indicators follow: `:` (it was a key; in flow also `"a":b`), `,`, a closing bracket
      expectNode = c === ':' || (c === ',' && !block);
      propsStart = undefined;
      pos++;
    } else if (c === '"' || c === "'") {
      state.quote = c;
      const end = scanQuoted(line, pos + 1, state);
      if (end < 0) return;
      if (block && /^[ \t]*:(?:[ \t]|$)/.test(line.slice(end))) state.nodeIndent = propsStart ?? pos; // a quoted key
      pos = end;
      expectNode = false;
    } else if (c === '[' || c === '{') {
      state.flowDepth++;
      pos++;
      expectNode = true;
    } else if (c === ']' || c === '}') {
      state.flowDepth = Math.max(0, state.flowDepth - 1);
      pos++;
      expectNode = false;
    } else if (c === ',' && !block) {
      pos++;
      expectNode = true;
    } else if ((c === '-' || c === '?' || c === ':') && endsToken(next)) {
      if (block && c !== ':') state.nodeIndent = pos;
      pos++;
      expectNode = true;
      propsStart = undefined;
    } else if (c === '!' || c === '&' || c === '*') {
      propsStart ??= pos;
      while (pos < line.length && !isSpace(line[pos]) && !(state.flowDepth > 0 && ',[]{}'.includes(line[pos]!))) pos++;
      expectNode = c !== '*';
    } else if ((c === '|' || c === '>') && block) {
      const header = BLOCK_HEADER.exec(line.slice(pos));
      if (header) state.header = { parent: state.nodeIndent, indicators: header[1]! };
      return;
    } else pos = scanPlain(line, pos, state, propsStart ?? pos);
  }
}

/**
 * A plain scalar from `pos` (`start`: its column, or -1 on a continuation line): it ends at `: ` (it
 * was a key), ` #`, a flow indicator inside a flow collection, or stays open at the end of the line.
 * Quotes inside it are its text. Returns where scanning goes on, or the line's length when done.
 */
function scanPlain(line: string, pos: number, state: ScanState, start: number): number {
  const flow = state.flowDepth > 0;
  for (let i = pos; i < line.length; i++) {
    const c = line[i]!;
    const next = line[i + 1];
    if (c === ':' && (endsToken(next) || (flow && ',[]{}'.includes(next!)))) {
      if (!flow && start >= 0) state.nodeIndent = start;
      state.plainOwner = undefined;
      scanNodes(line, i + 1, state);
      return line.length;
    }
    if (c === '#' && isSpace(line[i - 1])) {
      state.plainOwner = undefined; // a comment ends a plain scalar
      return line.length;
    }
    if (flow && ',[]{}'.includes(c)) return i;
  }
  if (!flow) state.plainOwner = state.nodeIndent;
  return line.length;
}

/**
 * Inside a quoted scalar (`state.quote`) from `pos`: returns the column after its closing quote (and
 * clears `state.quote`), or -1 when it stays open past the end of the line. `\` escapes in `"…"`, `''`
 * is a quote in `'…'`.
 */
function scanQuoted(line: string, pos: number, state: ScanState): number {
  const quote = state.quote!;
  for (let i = pos; i < line.length; i++) {
    const c = line[i]!;
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else {
        state.quote = undefined;
        return i + 1;
      }
    }
  }
  return -1;
}
