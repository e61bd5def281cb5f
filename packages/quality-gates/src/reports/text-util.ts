import { isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { capLine, stripAnsi } from '../parse/normalize.js';

export { stripAnsi };

/** Lines of a tool's text output: colours removed, CRLF folded. */
export const outputLines = (text: string): string[] => stripAnsi(text).replace(/\r\n?/g, '\n').split('\n').map(capLine);

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

/**
 * Runs a report reader so that whatever the report holds, the caller gets counts or an St3Error
 * `E_TEST_OUTPUT` saying what was expected — never a TypeError or SyntaxError from inside.
 */
export function readReport<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof St3Error) throw error;
    const message = (error as Error).message;
    throw new St3Error(
      'E_TEST_OUTPUT',
      message.startsWith('not a') ? message : `output not understood as ${what}: ${message}`,
      { cause: error, hint: `check that the command writes ${what}` },
    );
  }
}
