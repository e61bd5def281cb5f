import { isAbsolute, relative, resolve, sep } from 'node:path';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** Lines of a tool's text output: colours removed, CRLF folded. */
export const outputLines = (text: string): string[] => stripAnsi(text).replace(/\r\n?/g, '\n').split('\n');

/** A path as the workspace sees it: relative to root when inside, with forward slashes. */
export function relPath(root: string, file: string): string {
  const abs = isAbsolute(file) ? file : resolve(root, file);
  const r = relative(root, abs);
  return (r.startsWith('..') || isAbsolute(r) ? abs : r).split(sep).join('/');
}

/** `3 failed | 1 passed | 1 skipped (5)` or `1 failed, 1 skipped, 1 passed, 3 total` → counts by word. */
export function countsByWord(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/(\d+)\s+([a-z]+)/g)) out.set(m[2]!, (out.get(m[2]!) ?? 0) + Number(m[1]));
  return out;
}
