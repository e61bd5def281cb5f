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
}

const SEVERITY_WORDS: Record<string, Severity> = {
  error: 'error',
  err: 'error',
  fatal: 'error',
  critical: 'error',
  e: 'error',
  failure: 'error',
  warning: 'warning',
  warn: 'warning',
  w: 'warning',
  info: 'info',
  information: 'info',
  note: 'info',
  hint: 'info',
  notice: 'info',
  style: 'info',
  convention: 'info',
  refactor: 'info',
};

/** A tool's severity word (after an optional config map) as one of error/warning/info; unknown → fallback. */
export function normalizeSeverity(raw: unknown, map: Record<string, string> | undefined, fallback: Severity): Severity {
  if (raw === undefined || raw === null || raw === '') return fallback;
  let key = String(raw);
  if (map && key in map) key = map[key]!;
  return SEVERITY_WORDS[key.toLowerCase()] ?? fallback;
}

/** Makes a tool's file path relative to the workspace root with `/` separators; cached per distinct path. */
export function createPathNormalizer(ctx: ParseContext): (file: unknown) => string {
  const cache = new Map<string, string>();
  const base = ctx.cwd ?? ctx.root;
  return (file) => {
    if (file === undefined || file === null) return '';
    let raw = String(file);
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
    if (raw.startsWith('file://')) {
      try {
        raw = decodeURIComponent(new URL(raw).pathname);
      } catch {
        // keep as written
      }
    }
    const abs = isAbsolute(raw) ? raw : resolve(base, raw);
    const rel = relative(ctx.root, abs);
    const out = rel.startsWith('..') || isAbsolute(rel) ? abs.split(sep).join('/') : rel.split(sep).join('/');
    cache.set(String(file), out);
    return out;
  };
}

/** A non-negative integer from a tool's value (numbers or numeric strings), 0 when absent. */
export function toPosition(value: unknown, offset: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return 0;
  const out = Math.trunc(n) + offset;
  return out > 0 ? out : 0;
}

/** Removes ANSI colour codes, which some tools print even when not on a TTY. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.includes('\u001b') ? text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '') : text;
}
