import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve, sep } from 'node:path';
import { findExecutable, envValue, type ExecutableLookup } from '@st3/process';
import { isDir, isFile, listDir, readTextUpTo } from './sync-fs.js';

// A cheap fingerprint of the tool a gate runs, for its config hash: a tool upgraded outside the workspace
// (pip, a global npm install) changes no file that auto scope diffs, yet can fail unchanged files. No
// process is started: the executable is found as spawn finds it and identified by stat and a few reads.

/** Where and how a command is looked up: its working folder and its environment (PATH as the tool gets it). */
export type ToolLookup = ExecutableLookup;

const WINDOWS = process.platform === 'win32';
/** Scripts smaller than this are read to find what they run (a pnpm shim is under 1 KB). */
const MAX_SHIM_BYTES = 16 * 1024;
/** package.json files larger than this are stamped by size and mtime instead of content. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Lines identifying the tool `argv` runs: its executable (real path, size, mtime), the package.json of the
 * npm package it belongs to (a pnpm shim is followed to its target; npm's tarballs all carry one mtime, the
 * version is what changes), for `python -m X` the `X-<version>.dist-info` folders of the interpreter's
 * site-packages, and for a runner (`npx X`, `uv run X`) the same of X. A program that is not found is one
 * stable line: the gate reports it when it runs.
 */
export function toolFingerprint(argv: readonly string[], lookup: ToolLookup): string[] {
  const program = argv[0];
  if (!program) return ['no command'];
  const exe = findExecutable(program, lookup);
  if (!exe) return [`${program}: not found`];
  const lines = [`${program}: ${fileStamp(exe)}`];
  const real = realPath(exe);
  for (const file of new Set([real, shimTarget(real)])) {
    const manifest = file ? packageManifest(file) : undefined;
    if (manifest) lines.push(`package ${manifest}: ${manifestStamp(manifest)}`);
  }
  const module = pythonModule(argv);
  if (module) lines.push(...pythonModuleStamps(exe, module, lookup.env));
  const inner = runnerTarget(argv);
  if (inner) lines.push(...toolFingerprint(inner, withVenvBins(lookup)));
  return lines;
}

/**
 * The name of the tool `argv` runs, as it would be installed: the program's base name without `.exe`/`.cmd`,
 * X of `python -m X`, and for a runner (`npx X`, `uv run X`) the tool X names (`npx --yes pyright -` → `pyright`).
 */
export function toolName(argv: readonly string[]): string | undefined {
  const program = argv[0];
  if (!program) return undefined;
  const inner = runnerTarget(argv);
  if (inner) return toolName(inner);
  return pythonModule(argv) ?? basename(program).replace(/\.(exe|cmd)$/i, '');
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** `real-path:size:mtime` of a file, or `missing`. */
function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${realPath(path)}:${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    return `${path}: missing`;
  }
}

/** A pnpm (or cmd-shim) `node_modules/.bin` script: the `"$basedir/…"` file it runs with node. */
function shimTarget(file: string): string | undefined {
  let text: string;
  try {
    if (statSync(file).size > MAX_SHIM_BYTES) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (!text.startsWith('#!')) return undefined;
  for (const m of text.matchAll(/"\$basedir\/([^"$]+)"/g)) {
    const target = resolve(dirname(file), m[1]!);
    if (m[1] !== 'node' && isFile(target)) return realPath(target);
  }
  return undefined;
}

/** The package.json of the npm package holding `file` (only inside a node_modules folder). */
function packageManifest(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const top = file.lastIndexOf(marker);
  if (top === -1) return undefined;
  for (let dir = dirname(file); dir.length > top + marker.length - 1; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    try {
      if (statSync(manifest).isFile()) return manifest;
    } catch {
      // not this folder
    }
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

/** The manifest's content as a digest (its version and anything else a reinstall changes), not its mtime. */
function manifestStamp(path: string): string {
  try {
    if (statSync(path).size > MAX_MANIFEST_BYTES) return fileStamp(path);
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  } catch {
    return 'unreadable';
  }
}

/** X of `python -m X` (options before `-m` allowed: `python3 -I -m mypy`). */
function pythonModule(argv: readonly string[]): string | undefined {
  if (!/^python(\d+(\.\d+)*)?(\.exe)?$/i.test(basename(argv[0] ?? ''))) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-m') return argv[i + 1];
    if (arg.startsWith('-m') && arg.length > 2) return arg.slice(2);
    if (!arg.startsWith('-')) return undefined;
  }
  return undefined;
}

/**
 * The site-packages folders an interpreter may import from, found without running it: a venv's own
 * (`pyvenv.cfg` beside its bin; the base's too with `include-system-site-packages`), the prefix of the real
 * interpreter, every pyenv version behind a pyenv shim, and the user's `~/.local`. Over-approximating
 * only costs a project run when an unrelated one changes.
 */
function pythonSiteDirs(exe: string, env: ToolLookup['env']): string[] {
  const bin = dirname(exe);
  const prefixes: string[] = [];
  const cfg = readTextUpTo(join(dirname(bin), 'pyvenv.cfg'), MAX_SHIM_BYTES);
  if (cfg !== undefined) {
    prefixes.push(dirname(bin));
    const home = /^\s*home\s*=\s*(.+?)\s*$/m.exec(cfg)?.[1];
    if (home && /^\s*include-system-site-packages\s*=\s*true\s*$/im.test(cfg)) prefixes.push(dirname(home));
  } else {
    if (basename(bin) === 'shims')
      for (const v of listDir(join(dirname(bin), 'versions'))) prefixes.push(join(dirname(bin), 'versions', v));
    const prefix = dirname(dirname(realPath(exe)));
    prefixes.push(prefix, ...(prefix === '/usr' ? ['/usr/local'] : []));
    const home = envValue(env, 'HOME');
    if (home) prefixes.push(join(home, '.local'));
  }
  const dirs: string[] = [];
  for (const prefix of prefixes) {
    dirs.push(join(prefix, 'Lib', 'site-packages'));
    for (const lib of ['lib', 'lib64'])
      for (const py of listDir(join(prefix, lib)).filter((n) => /^python\d/.test(n)))
        dirs.push(join(prefix, lib, py, 'site-packages'), join(prefix, lib, py, 'dist-packages'));
  }
  return [...new Set(dirs.map(realPath))]; // a venv's lib64 is a link to its lib
}

/** `X-<version>.dist-info` (or egg-info) folders of module X in the interpreter's site folders, else its files. */
function pythonModuleStamps(exe: string, module: string, env: ToolLookup['env']): string[] {
  const norm = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '_');
  const wanted = norm(module.split('.')[0]!);
  const dirs = pythonSiteDirs(exe, env);
  const found: string[] = [];
  for (const dir of dirs)
    for (const name of listDir(dir))
      if (/\.(dist|egg)-info$/.test(name) && norm(name.split('-')[0]!) === wanted)
        found.push(`module ${module}: ${fileStamp(join(dir, name))}`);
  if (found.length > 0) return found;
  const top = module.split('.')[0]!;
  for (const dir of dirs)
    for (const file of [join(top, '__init__.py'), join(top, '__main__.py'), `${top}.py`])
      if (isFile(join(dir, file))) found.push(`module ${module}: ${fileStamp(join(dir, file))}`);
  return found.length > 0 ? found : [`module ${module}: not found in the interpreter's site folders`];
}

/** Runners whose tool is a later argument: `npx X`, `pnpm exec X`, `uv run X`... (program → subcommands, `''` = none). */
const RUNNERS: Record<string, readonly string[]> = {
  npx: [''],
  pnpx: [''],
  bunx: [''],
  pnpm: ['exec', 'dlx'],
  npm: ['exec'],
  yarn: ['exec', 'dlx'],
  uv: ['run'],
  uvx: [''],
  poetry: ['run'],
  pipenv: ['run'],
  pdm: ['run'],
  hatch: ['run'],
};

/** The command a runner runs (`npx --yes eslint .` → `eslint .`), or undefined. */
function runnerTarget(argv: readonly string[]): string[] | undefined {
  const subs = RUNNERS[basename(argv[0]!).replace(/\.(exe|cmd)$/i, '')];
  if (!subs) return undefined;
  let i = 1;
  if (!subs.includes('')) {
    if (!subs.includes(argv[1] ?? '')) return undefined;
    i = 2;
  }
  while (i < argv.length && argv[i]!.startsWith('-')) i++;
  return i < argv.length ? argv.slice(i) : undefined;
}

/** The lookup with every `.venv/bin` from the working folder up first on PATH (where `uv run` or `poetry run` find tools). */
function withVenvBins(lookup: ToolLookup): ToolLookup {
  const bins: string[] = [];
  for (let dir = resolve(lookup.cwd); ; dir = dirname(dir)) {
    for (const venv of ['.venv', 'venv']) {
      const bin = join(dir, venv, WINDOWS ? 'Scripts' : 'bin');
      if (isDir(bin)) bins.push(bin);
    }
    if (dirname(dir) === dir) break;
  }
  const path = envValue(lookup.env, 'PATH') ?? '';
  return { cwd: lookup.cwd, env: { ...lookup.env, PATH: [...bins, path].filter(Boolean).join(delimiter) } };
}
