import { existsSync, lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { walkFiles } from '@st3/fs';
import {
  loadFile,
  ParityCaseSchema,
  ParitySuiteConfigSchema,
  St3Error,
  type Diagnostic,
  type ParitySuiteConfig,
  type Result,
} from '@st3/schemas';
import type { Rendered, Renderer, SuiteCase } from './suite.js';

export interface LoadedSuite {
  dir: string;
  config: ParitySuiteConfig;
  cases: SuiteCase[];
}

const CASE_FILE = /\.(ya?ml|json)$/i;
const CONFIG_NAMES = ['suite.yaml', 'suite.yml', 'suite.json'];

/**
 * Reads a suite folder: `suite.yaml` (optional) and every case file under `cases/` (or, without
 * that folder, every `*.case.yaml|json` beside `suite.yaml`). Cases are sorted by id so reports are
 * stable. Every invalid file is reported with its line and column.
 */
export async function loadParitySuite(dir: string): Promise<Result<LoadedSuite>> {
  if (!existsSync(dir))
    return {
      warnings: [],
      errors: [
        {
          code: 'E_FILE_NOT_FOUND',
          severity: 'error',
          file: dir,
          message: 'parity suite folder not found',
          hint: 'pass a folder holding suite.yaml and cases/',
        },
      ],
    };
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  let config: ParitySuiteConfig = ParitySuiteConfigSchema.parse({});
  // A dangling suite.yaml link is a suite.yaml that cannot be read (an error), not "no config" (the defaults).
  const configName = CONFIG_NAMES.find((n) => entryExists(join(dir, n)));
  if (configName) {
    const loaded = await loadFile(join(dir, configName), { schema: ParitySuiteConfigSchema });
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    if (loaded.value) config = loaded.value;
  }
  const casesDir = join(dir, 'cases');
  const files = existsSync(casesDir)
    ? (await listFiles(casesDir)).filter((f) => CASE_FILE.test(f))
    : (await readdir(dir)).filter((f) => /\.case\.(ya?ml|json)$/i.test(f)).map((f) => join(dir, f));
  const cases: SuiteCase[] = [];
  for (const file of files.sort()) {
    const loaded = await loadFile(file, { schema: ParityCaseSchema });
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    if (loaded.value) cases.push({ id: caseId(existsSync(casesDir) ? casesDir : dir, file), file, data: loaded.value });
  }
  if (config.renderer === 'files') errors.push(...cases.flatMap(missingStoredSides));
  if (cases.length === 0 && errors.length === 0) {
    errors.push({
      code: 'E_CONFIG_INVALID',
      severity: 'error',
      file: dir,
      message: 'the suite has no cases',
      hint: 'add case files under cases/ (YAML or JSON with a `context`)',
    });
  }
  if (errors.length > 0) return { warnings, errors };
  return { value: { dir, config: config, cases }, warnings, errors };
}

/**
 * A stored-output case must hold both sides: a side it leaves out would replay as a failed render, and a
 * case of a broken v1 and no v2 read as an improvement (a pass), with nothing of v2's compared.
 */
function missingStoredSides(c: SuiteCase): Diagnostic[] {
  return (['left', 'right'] as const)
    .filter((side) => c.data[side] === undefined)
    .map((side) => ({
      code: 'E_CONFIG_INVALID',
      severity: 'error' as const,
      file: c.file,
      line: 1,
      column: 1,
      message: `case ${c.id} has no stored "${side}" output (renderer: files)`,
      hint: `add \`${side}:\` with the output files by path, or \`${side}: {error: "…", validation: true}\` for an input that side rejects`,
    }));
}

/** Like `loadParitySuite`, but throws an St3Error carrying every diagnostic. */
export async function loadParitySuiteOrThrow(dir: string): Promise<LoadedSuite> {
  const result = await loadParitySuite(dir);
  if (!result.value) {
    const first = result.errors[0]!;
    throw new St3Error(
      first.code === 'E_FILE_NOT_FOUND' ? 'E_FILE_NOT_FOUND' : 'E_CONFIG_INVALID',
      `invalid parity suite ${dir}: ${first.message}`,
      { file: first.file, line: first.line, column: first.column, hint: first.hint, diagnostics: result.errors },
    );
  }
  return result.value;
}

function caseId(root: string, file: string): string {
  return relative(root, file)
    .split('\\')
    .join('/')
    .replace(/(\.case)?\.(ya?ml|json)$/i, '');
}

/**
 * The case files under `dir`: the workspace's one folder walk (an unreadable folder is E_FILE_READ, never
 * fewer cases); a linked folder is walked (cases shared between suites), every other symlink is listed, so
 * a linked case is loaded and a dangling one fails to load.
 */
async function listFiles(dir: string): Promise<string[]> {
  const found = await walkFiles(dir, {
    gitignore: false,
    symlinks: 'all',
    followFolderLinks: true,
    filter: (rel) => !basename(rel).startsWith('.'),
  });
  return found.map((rel) => join(dir, rel));
}

/** An entry (a dangling symlink included) is at `path`; one that cannot be looked at counts (its load then says why). */
function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/**
 * A renderer that replays the stored output of one side (`left:`/`right:` in each case file): for
 * suites whose outputs were captured elsewhere, and for testing the runner itself.
 */
export function storedRenderer(side: 'left' | 'right'): Renderer {
  return (c): Rendered => {
    const stored = c.data[side];
    if (stored === undefined)
      throw new St3Error('E_CONFIG_INVALID', `case ${c.id} has no stored "${side}" output`, {
        file: c.file,
        hint: `add \`${side}:\` with the output files by path`,
      });
    if (typeof stored.error === 'string' && Object.keys(stored).every((k) => k === 'error' || k === 'validation')) {
      const validation = (stored as { validation?: boolean }).validation === true;
      throw new St3Error(validation ? 'E_CONTEXT_INVALID' : 'E_INTERNAL', stored.error as string);
    }
    const files = Object.entries(stored as Record<string, string>).map(([path, content]) => ({ path, content }));
    return { files, warnings: side === 'left' ? (c.data.left_warnings ?? []) : [] };
  };
}
