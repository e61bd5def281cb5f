// The fixed corpora of the atomizer benchmarks: real JavaScript of installed npm packages and
// Debian's CPython standard library.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const store = join(root, 'node_modules/.pnpm');

// One copy per package (the store may hold several peers-variants of the same version).
const PACKAGES = [
  'typescript@6.0.3',
  'eslint@9.39.5',
  'prettier@2.8.8',
  'rollup@4.68.7',
  'zod@4.6.7',
  'yaml@2.9.1',
  'postcss@8.5.33',
  'vite@8.3.8',
  'vitest@4.1.12',
  'esbuild@0.27.7',
];

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') walk(p, out);
    } else if (/\.(c|m)?js$/.test(e.name) && !e.name.endsWith('.min.js')) out.push(p);
  }
}

/** ≥ minBytes of real JavaScript, always the same files in the same order. */
export function jsCorpus(minBytes = 20 * 1024 * 1024) {
  const dirs = readdirSync(store).sort();
  const files = [];
  let bytes = 0;
  for (const pkg of PACKAGES) {
    const dir = dirs.find((d) => d === pkg || d.startsWith(`${pkg}_`));
    if (!dir) continue;
    const name = pkg.slice(0, pkg.lastIndexOf('@'));
    const found = [];
    walk(join(store, dir, 'node_modules', name), found);
    for (const f of found) {
      const size = statSync(f).size;
      if (size === 0) continue;
      files.push(f);
      bytes += size;
    }
    if (bytes >= minBytes) break;
  }
  return { files, bytes };
}

/** Debian's CPython 3.11 standard library (without site/dist-packages). */
export function pyCorpus() {
  const files = [];
  const walkPy = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'site-packages' && e.name !== 'dist-packages' && e.name !== '__pycache__') walkPy(p);
      } else if (e.name.endsWith('.py')) files.push(p);
    }
  };
  walkPy('/usr/lib/python3.11');
  return { files, bytes: files.reduce((s, f) => s + statSync(f).size, 0) };
}

export const mb = (n) => (n / 1024 / 1024).toFixed(1);
export const secs = (ms) => (ms / 1000).toFixed(2);
