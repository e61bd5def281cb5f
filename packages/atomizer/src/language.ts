import type { SourceLanguage } from './types.js';

const BY_EXTENSION: Record<string, SourceLanguage> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'jsx',
  '.py': 'python',
  '.pyi': 'python',
  '.pyw': 'python',
};

export const SUPPORTED_LANGUAGES: readonly SourceLanguage[] = ['typescript', 'tsx', 'javascript', 'jsx', 'python'];

export function isSupportedLanguage(value: string): value is SourceLanguage {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** The language of a file: its extension first, then a `#!` line (`node`, `deno`, `bun`, `ts-node`, `tsx`, `python`). */
export function detectLanguage(path: string, text?: string): SourceLanguage | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts')) return 'typescript';
  const dot = lower.lastIndexOf('.');
  const slash = Math.max(lower.lastIndexOf('/'), lower.lastIndexOf('\\'));
  if (dot > slash) {
    const lang = BY_EXTENSION[lower.slice(dot)];
    if (lang) return lang;
  }
  return text === undefined ? undefined : languageFromShebang(text);
}

export function languageFromShebang(text: string): SourceLanguage | undefined {
  if (!text.startsWith('#!')) return undefined;
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  // `#!/usr/bin/env -S node --flags`, `#!/usr/bin/python3.11`
  const words = line
    .slice(2)
    .trim()
    .split(/\s+/)
    .filter((w) => !w.startsWith('-'));
  for (const word of words) {
    const base = word.slice(word.lastIndexOf('/') + 1);
    if (/^python(\d+(\.\d+)?)?$/.test(base) || base === 'pypy3') return 'python';
    if (base === 'ts-node' || base === 'tsx' || base === 'deno' || base === 'bun') return 'typescript';
    if (/^node(js)?$/.test(base)) return 'javascript';
  }
  return undefined;
}

/** A file is treated as binary when a NUL byte appears in its first 8 KiB. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
