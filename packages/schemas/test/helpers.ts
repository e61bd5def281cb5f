import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realWorld } from '@st3/tooling/fixtures';
import type { Diagnostic } from '../src/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export { realWorld } from '@st3/tooling/fixtures';
export const fixture = (...parts: string[]): string => join(realWorld, ...parts);

/** `line:col path: message` without the file, for pinned finding lists. */
export function finding(d: Diagnostic): string {
  const path = d.path && d.path.length > 0 ? d.path.join('.') : '(root)';
  return `${d.line ?? '?'}:${d.column ?? '?'} ${path}: ${d.message}`;
}
