import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Severity } from '@st3/schemas';

/** Where a tool ran and what its paths are relative to. */
export interface ParseContext {
  /** Workspace root: violation files are reported relative to it. */
  root: string;
  /** The tool's working folder: relative paths in its output are resolved from it (default: root). */
  cwd?: string;
  /** `fixable_when: gate` marks every violation fixable when the gate supports autofix. */
  supportsAutofix?: boolean;
  /**
   * `performance.now()` value past which parsing stops with a timeout problem: parsing counts against the
   * gate's timeout. Checked between lines and record groups.
   */
  deadline?: number;
}

/**
 * Lines of tool output longer than this are cut before any regex sees them, so a hostile or runaway line
 * (150 KB of mypy output on one line) costs a bounded time instead of catastrophic backtracking.
 */
export const MAX_LINE_CHARS = 4096;

const SEVERITY_WORDS: ReadonlyMap<string, Severity> = new Map<string, Severity>([
  ['error', 'error'],
  ['err', 'error'],
  ['fatal', 'error'],
  ['critical', 'error'],
  ['e', 'error'],
  ['failure', 'error'],
  ['warning', 'warning'],
  ['warn', 'warning'],
  ['w', 'warning'],
  ['info', 'info'],
  ['information', 'info'],
  ['note', 'info'],
  ['hint', 'info'],
  ['notice', 'info'],
  ['style', 'info'],
  ['convention', 'info'],
  ['refactor', 'info'],
]);

/**
 * A tool's severity word (after an optional config map) as one of error/warning/info; unknown or wrongly
 * typed → fallback. Only own keys of the map count: `"constructor"` is an unknown word, not a function.
 */
export function normalizeSeverity(raw: unknown, map: Record<string, string> | undefined, fallback: Severity): Severity {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return fallback;
  let key = String(raw);
  if (key === '') return fallback;
  if (map && Object.hasOwn(map, key) && typeof map[key] === 'string') key = map[key];
  return SEVERITY_WORDS.get(key.toLowerCase()) ?? fallback;
}

/**
 * Makes a tool's file path relative to the workspace root with `/` separators (absolute when outside it);
 * cached per distinct path. Returns null for an absent or empty path and undefined for a value that is not a
 * path at all (an object, an array): the caller reports that as output it did not understand.
 */
export function createPathNormalizer(ctx: ParseContext): (file: unknown) => string | null | undefined {
  const cache = new Map<string, string>();
  const base = ctx.cwd ?? ctx.root;
  return (file) => {
    if (file === undefined || file === null || file === '') return null;
    if (typeof file !== 'string' && typeof file !== 'number') return undefined;
    const key = String(file);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let raw = key;
    if (raw.startsWith('file://')) {
      try {
        raw = decodeURIComponent(new URL(raw).pathname);
      } catch {
        // keep as written
      }
    }
    raw = raw.replace(/\0/g, '');
    const abs = isAbsolute(raw) ? raw : resolve(base, raw);
    const rel = relative(ctx.root, abs);
    const out = rel.startsWith('..') || isAbsolute(rel) ? abs.split(sep).join('/') : rel.split(sep).join('/');
    cache.set(key, out);
    return out;
  };
}

/**
 * A 1-based position from a tool's value (a number or numeric string) plus an offset; null when absent or
 * not positive after the offset, undefined when the value is not a number at all.
 */
export function toPosition(value: unknown, offset: number): number | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  const out = Math.trunc(n) + offset;
  return out > 0 ? out : null;
}

/** A scalar as text (rule, message); null when absent or empty, undefined for objects and arrays. */
export function toText(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes ANSI colour codes, which some tools print even when not on a TTY. */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

/** A line cut to `MAX_LINE_CHARS` (see there). */
export function capLine(line: string): string {
  return line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line;
}
