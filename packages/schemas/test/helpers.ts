import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../src/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const realWorld = resolve(repoRoot, '..', 'shared', 'fixtures', 'real-world');
export const fixture = (...parts: string[]): string => join(realWorld, ...parts);

/** `line:col path: message` without the file, for pinned finding lists. */
export function finding(d: Diagnostic): string {
  const path = d.path && d.path.length > 0 ? d.path.join('.') : '(root)';
  return `${d.line ?? '?'}:${d.column ?? '?'} ${path}: ${d.message}`;
}
