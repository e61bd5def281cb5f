import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { findGitRoot } from '@st3/fs';
import type { GateConfig, QualityConfig } from '@st3/schemas';
import { toolEnv } from '../run/tool-env.js';
import { referencedConfigFiles } from './config-references.js';
import { picomatch } from './filter.js';
import { toolFingerprint } from './tool-fingerprint.js';

/**
 * Tool config files by the kind of file a gate checks, for gates whose config does not list its own
 * (`capabilities.config_files`, e.g. the seed's v1.1 quality.yaml). A change to one of them may change
 * the gate's verdict on files that did not change, so it puts the gate on project scope. Lock files are
 * listed because a dependency change can change the tool itself.
 */
const PYTHON_CONFIG = [
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
  'mypy.ini',
  '.mypy.ini',
  'pyrightconfig.json',
  'ruff.toml',
  '.ruff.toml',
  '.flake8',
  '.pylintrc',
  'pylintrc',
  'requirements*.txt',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
];
const JS_CONFIG = [
  'package.json',
  'tsconfig*.json',
  'jsconfig*.json',
  'eslint.config.*',
  '.eslintrc*',
  '.eslintignore',
  'biome.json',
  'biome.jsonc',
  '.oxlintrc.json',
  'oxlintrc.json',
  '.prettierrc*',
  'prettier.config.*',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'bun.lock',
];
const PY_TYPES = ['.py', '.pyi'];
const JS_TYPES = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json', '.jsonc', '.css', '.vue'];

/** The config file globs of a gate: its own list, else the defaults for the kinds of file it checks. */
export function configFileGlobs(gate: GateConfig): string[] {
  const own = gate.capabilities.config_files;
  if (own) return [...own];
  const types = gate.capabilities.file_types.map((t) => (t.startsWith('.') ? t : `.${t}`));
  const out = new Set<string>();
  if (types.length === 0 || types.includes('*') || types.some((t) => PY_TYPES.includes(t)))
    for (const g of PYTHON_CONFIG) out.add(g);
  if (types.length === 0 || types.includes('*') || types.some((t) => JS_TYPES.includes(t)))
    for (const g of JS_CONFIG) out.add(g);
  return [...out];
}

/** A matcher of workspace-relative paths against config globs; a glob without `/` matches a file name anywhere. */
export function configFileMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const byName = picomatch(
    globs.filter((g) => !g.includes('/')),
    { dot: true },
  );
  const withPath = globs.filter((g) => g.includes('/'));
  const byPath = withPath.length > 0 ? picomatch(withPath, { dot: true }) : () => false;
  return (path) => byName(path.slice(path.lastIndexOf('/') + 1)) || byPath(path);
}

/** Bytes of a config file that go into the hash (a larger file is hashed by size and mtime). */
const MAX_HASHED_BYTES = 8 * 1024 * 1024;

/** What the config hash of a gate needs besides the config: how its tool is found (as it runs). */
export interface GateHashOptions {
  /** The base environment of the tools (PATH); absent = the tool is not fingerprinted. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the `node_modules/.bin` search stops going up (the repository's top, else the root). */
  top?: string;
}

/** A gate's effective config: its hash, and the files its config files reference (root-relative, may be `../`). */
export interface GateConfigInputs {
  hash: string;
  referenced: string[];
}

/**
 * The effective config of a gate as a hash: its section of quality.yaml (after defaults), the project
 * scope it inherits, the content of its config files found in the workspace root, its working folder
 * and the folders above the root up to the repository's top (tools look up for their config), of the
 * files those reference (`extends`, ruff's `extend`, an ESLint config's relative imports — a shared
 * config may sit beside the workspace), and, with `options.env`, a fingerprint of the tool its command
 * runs (an upgrade outside the workspace). The state records it when the baseline moves; a different
 * hash puts the gate on project scope.
 */
export function gateConfigInputs(
  root: string,
  config: QualityConfig,
  id: string,
  options: GateHashOptions = {},
): GateConfigInputs {
  const gate = config.gates[id]!;
  const hash = createHash('sha256');
  hash.update(stableJson({ engine: 2, gate, project_scope: config.project_scope ?? null }));
  const workDir = resolve(root, gate.execution.working_dir ?? '.');
  const files = configFilesAround(root, workDir, gate);
  const referenced = referencedConfigFiles(files);
  for (const file of [...files, ...referenced]) {
    hash.update(`\0${relative(root, file)}\0`);
    hash.update(fileContent(file));
  }
  if (options.env) {
    const lookup = {
      cwd: workDir,
      env: toolEnv({ ...options.env, ...gate.execution.env }, workDir, options.top ?? root),
    };
    const commands = [gate.execution.command, gate.capabilities.checked_files_command ?? []];
    for (const command of commands) for (const line of toolFingerprint(command, lookup)) hash.update(`\0tool ${line}`);
  }
  const toRoot = (f: string): string => relative(root, f).split(sep).join('/');
  return { hash: hash.digest('hex').slice(0, 16), referenced: referenced.map(toRoot) };
}

/** The config hash of a gate (see `gateConfigInputs`). */
export function gateConfigHash(root: string, config: QualityConfig, id: string, options?: GateHashOptions): string {
  return gateConfigInputs(root, config, id, options).hash;
}

/** The gate's config files (by name) in the workspace root, its working folder and the folders above the root. */
function configFilesAround(root: string, workDir: string, gate: GateConfig): string[] {
  const matches = configFileMatcher(configFileGlobs(gate).filter((g) => !g.includes('/')));
  const dirs = new Set([resolve(root), workDir, ...foldersAbove(root)]);
  const files: string[] = [];
  for (const dir of [...dirs].sort()) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        if (matches(name) && statSync(file).isFile()) files.push(file);
      } catch {
        // unreadable: left out (a change to it is still seen by the diff)
      }
    }
  }
  return files;
}

/** What of a config file goes into the hash: its bytes, its size and mtime when large, or `missing`. */
function fileContent(file: string): string | Buffer {
  try {
    const st = statSync(file);
    return st.size <= MAX_HASHED_BYTES ? readFileSync(file) : `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** The folders above `root` up to the top of the repository holding it (none outside a repository). */
function foldersAbove(root: string): string[] {
  const top = findGitRoot(root);
  const out: string[] = [];
  if (!top) return out;
  for (let dir = resolve(root); dir !== resolve(top);) {
    const parent = dirname(dir);
    if (parent === dir) break;
    out.push((dir = parent));
  }
  return out;
}

/** JSON with object keys sorted, so the hash does not depend on key order in the YAML. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
