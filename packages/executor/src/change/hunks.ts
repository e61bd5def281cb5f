import { diffArrays } from 'diff';
import { joinLines, splitLines } from './text.js';

/** One edit of a text's lines: lines [start, end) (0-based) become `lines`. */
export interface Hunk {
  start: number;
  end: number;
  lines: string[];
}

/**
 * The exact edit "lines start..end (1-based, inclusive) become `code`". The whole region is kept
 * (not trimmed to the lines that differ), so edits of different atoms never touch: adjacent regions
 * stay distinguishable even when one grows at its end and the next at its start.
 */
export function replacementHunk(start: number, end: number, code: string): Hunk {
  return { start: start - 1, end, lines: splitLines(code.endsWith('\n') || code === '' ? code : `${code}\n`) };
}

/** The edits from `base` to `other` (a line diff; used where only the two texts are known, e.g. an agent's diff). */
export function diffHunks(base: string, other: string): Hunk[] {
  const out: Hunk[] = [];
  let at = 0;
  let open: Hunk | undefined;
  for (const part of diffArrays(splitLines(base), splitLines(other))) {
    const count = part.value.length;
    if (!part.added && !part.removed) {
      open = undefined;
      at += count;
      continue;
    }
    if (!open) {
      open = { start: at, end: at, lines: [] };
      out.push(open);
    }
    if (part.removed) {
      open.end += count;
      at += count;
    } else for (const line of part.value) open.lines.push(line);
  }
  return out;
}

/** `text` with non-overlapping hunks (in its coordinates) applied. */
export function applyHunks(text: string, hunks: readonly Hunk[]): string {
  let lines = splitLines(text);
  const sorted = [...hunks].sort((a, b) => b.start - a.start || b.end - b.start - (a.end - a.start));
  // Not splice(..., ...h.lines): a hunk of a few hundred thousand lines would overflow the call stack.
  for (const h of sorted) lines = lines.slice(0, h.start).concat(h.lines, lines.slice(h.end));
  return joinLines(lines, text === '' || text.endsWith('\n'));
}

export type RebaseResult = { ok: true; hunks: Hunk[] } | { ok: false; conflictLine: number };

/**
 * Moves `ours` (edits of a text) over `theirs` (other edits of the same text, already applied): an
 * edit entirely before one of theirs stays, one entirely after shifts by its size change, one that
 * touches the same lines is a conflict. An insertion at the first line of a replaced region stays in
 * front of it (it ends the region before). Exact: no line matching is involved, so repeated lines
 * (braces, blank lines) cannot be confused.
 */
export function rebaseHunks(ours: readonly Hunk[], theirs: readonly Hunk[]): RebaseResult {
  const out: Hunk[] = [];
  for (const h of ours) {
    let shift = 0;
    for (const t of theirs) {
      const side = sideOf(h, t);
      if (side === 'conflict') return { ok: false, conflictLine: Math.min(h.start, t.start) + 1 };
      if (side === 'after') shift += t.lines.length - (t.end - t.start);
    }
    out.push({ start: h.start + shift, end: h.end + shift, lines: h.lines });
  }
  return { ok: true, hunks: out };
}

/** Where edit `h` lies relative to edit `t` of the same text. An insertion at p goes in front of a region starting at p. */
function sideOf(h: Hunk, t: Hunk): 'before' | 'after' | 'conflict' {
  const hInsert = h.start === h.end;
  const tInsert = t.start === t.end;
  if (hInsert && tInsert) return h.start === t.start ? 'conflict' : h.start < t.start ? 'before' : 'after';
  if (hInsert) return h.start <= t.start ? 'before' : t.end <= h.start ? 'after' : 'conflict';
  if (tInsert) return h.end <= t.start ? 'before' : t.start <= h.start ? 'after' : 'conflict';
  return h.end <= t.start ? 'before' : t.end <= h.start ? 'after' : 'conflict';
}
