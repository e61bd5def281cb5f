import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { exitCodeFor, inferKind, loadKind, type Diagnostic } from '@st3/schemas';

/** The verdict on one file, as `st3 validate --json` lists it. */
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
 * `--kind`); files named explicitly are kept whatever their name.
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
      out.push(...found.map((f) => relativeName(input, abs, f)));
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

function relativeName(input: string, absDir: string, file: string): string {
  return join(input, relative(absDir, file));
}

/** Validates each file as its kind (given or inferred); never throws for a bad file. */
export async function validateFiles(files: readonly string[], base: string, kind?: string): Promise<FileVerdict[]> {
  const verdicts: FileVerdict[] = [];
  for (const file of files) {
    const r = await loadKind(resolve(base, file), { kind, file });
    verdicts.push({ file, kind: r.kind ?? null, valid: r.errors.length === 0, errors: r.errors, warnings: r.warnings });
  }
  return verdicts;
}

/** 0 when all are valid; otherwise the highest exit code of any error (1 invalid, 2 missing/unknown kind, 3 unreadable). */
export function exitCodeOf(verdicts: readonly FileVerdict[]): number {
  let code = 0;
  for (const v of verdicts) for (const e of v.errors) code = Math.max(code, exitCodeFor(e.code));
  return code;
}
