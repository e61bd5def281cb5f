import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Diagnostic } from './errors/diagnostic.js';
import { St3Error } from './errors/st3-error.js';
import { exportJsonSchemas, jsonSchemaText } from './json-schema.js';
import { inferKind, loadKind } from './kinds.js';

/** The verdict on one file, as `st3 validate --json` and the `validate_files` MCP tool list it. */
export interface FileVerdict {
  file: string;
  kind: string | null;
  valid: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo']);

/**
 * Expands folders to the files under them whose kind is known by name (so `st3 validate .st3`
 * checks a whole workspace config), or to every YAML/JSON file when `anyDocument` is set (an explicit
 * kind); files named explicitly are kept whatever their name. Names stay relative to `base` as given.
 */
export async function expandInputs(
  inputs: readonly string[],
  base: string,
  options: { anyDocument?: boolean } = {},
): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const abs = resolve(base, input);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await walkKnown(abs, options.anyDocument === true);
      out.push(...found.map((f) => join(input, relative(abs, f))));
    } else out.push(input);
  }
  return out;
}

async function walkKnown(dir: string, anyDocument: boolean): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...(await walkKnown(path, anyDocument)));
    } else if (entry.isFile() && (anyDocument ? /\.(ya?ml|json)$/i.test(entry.name) : inferKind(path)))
      found.push(path);
  }
  return found;
}

/** Validates each file (relative to `base`) as its kind, given or inferred; never throws for a bad file. */
export async function validateFiles(files: readonly string[], base: string, kind?: string): Promise<FileVerdict[]> {
  const verdicts: FileVerdict[] = [];
  for (const file of files) {
    const r = await loadKind(resolve(base, file), { kind, file });
    verdicts.push({ file, kind: r.kind ?? null, valid: r.errors.length === 0, errors: r.errors, warnings: r.warnings });
  }
  return verdicts;
}

/**
 * Writes `<kind>.schema.json` for every ST3 format into `dir` (created if missing) with `write` —
 * `writeFileAtomic` of @st3/fs, which this package cannot depend on (it sits below it); returns the
 * paths written.
 */
export async function writeJsonSchemas(
  dir: string,
  write: (path: string, text: string) => Promise<void>,
): Promise<string[]> {
  const schemas = exportJsonSchemas();
  try {
    await mkdir(dir, { recursive: true });
    for (const { fileName, schema } of schemas) await write(join(dir, fileName), jsonSchemaText(schema));
  } catch (error) {
    throw new St3Error('E_WRITE', `cannot write schemas to ${dir}: ${(error as Error).message}`, {
      hint: 'check the folder and its permissions',
    });
  }
  return schemas.map((s) => join(dir, s.fileName));
}
