import type { Dirent, Stats } from 'node:fs';
import { lstat, mkdir, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Diagnostic } from './errors/diagnostic.js';
import { exitCodeFor } from './errors/codes.js';
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

/**
 * Why a file could not be validated at all — missing, unreadable, of unknown kind: its worst diagnostic
 * whose exit code is a usage or runtime error (2, 3), as `st3 validate` exits for it — or undefined when
 * it was validated (valid or not). `st3 validate` and the `validate_files` MCP tool count these apart
 * from the invalid files: "invalid" would say the file was read and judged.
 */
export function notValidatedError(verdict: FileVerdict): Diagnostic | undefined {
  let worst: Diagnostic | undefined;
  for (const e of verdict.errors)
    if (exitCodeFor(e.code) >= 2 && (!worst || exitCodeFor(e.code) > exitCodeFor(worst.code))) worst = e;
  return worst;
}

/** ` (2 not validated: a.yaml E_FILE_NOT_FOUND, b.yaml E_FILE_READ)` for the summary line of a validation, or ''. */
export function notValidatedText(verdicts: readonly FileVerdict[]): string {
  const missed = verdicts.flatMap((v) => {
    const error = notValidatedError(v);
    return error ? [`${v.file} ${error.code}`] : [];
  });
  if (missed.length === 0) return '';
  return ` (${missed.length} not validated: ${missed.slice(0, 3).join(', ')}${missed.length > 3 ? ', …' : ''})`;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo']);

/**
 * Expands folders to the files under them whose kind is known by name (so `st3 validate .st3`
 * checks a whole workspace config), or to every YAML/JSON file when `anyDocument` is set (an explicit
 * kind); files named explicitly are kept whatever their name. Names stay relative to `base` as given.
 *
 * Symbolic links are followed: a link to a file counts as a file of the link's name, a link to a folder
 * is walked (each real folder once, so a link back up cannot loop). Nothing the walk meets is dropped
 * unseen: a dangling or unreadable link and a folder that cannot be listed are kept in the list, and
 * `validateFiles` gives each an error verdict (`E_FILE_NOT_FOUND`, `E_FILE_READ`).
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
      const found = await walkKnown(abs, options.anyDocument === true, new Set());
      out.push(...found.map((f) => join(input, relative(abs, f))));
    } else out.push(input);
  }
  return out;
}

async function walkKnown(dir: string, anyDocument: boolean, seen: Set<string>): Promise<string[]> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await realpath(dir);
    if (seen.has(real)) return []; // already walked under another name (a link back up would loop)
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [dir]; // cannot be listed: validateFiles reports it (E_FILE_READ), never an empty pass
  }
  const wanted = (path: string, name: string) => (anyDocument ? /\.(ya?ml|json)$/i.test(name) : inferKind(path));
  const found: string[] = [];
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (SKIP_DIRS.has(entry.name)) continue; // by name: never a known file, and its files are not ours
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (!target) {
        found.push(path); // dangling, looping or unreadable: validateFiles says which
        continue;
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) found.push(...(await walkKnown(path, anyDocument, seen)));
    else if (isFile && wanted(path, entry.name)) found.push(path);
  }
  return found;
}

/**
 * Validates each file (relative to `base`) as its kind, given or inferred; never throws for a bad file.
 * A path that cannot be read as a file gets an error verdict: a dangling symbolic link `E_FILE_NOT_FOUND`,
 * an unreadable file or link target, or a folder (one that `expandInputs` could not list), `E_FILE_READ`.
 */
export async function validateFiles(files: readonly string[], base: string, kind?: string): Promise<FileVerdict[]> {
  const verdicts: FileVerdict[] = [];
  for (const file of files) {
    const abs = resolve(base, file);
    const problem = await unreadable(abs, file);
    if (problem) {
      verdicts.push({
        file,
        kind: kind ?? inferKind(abs)?.name ?? null,
        valid: false,
        errors: [problem],
        warnings: [],
      });
      continue;
    }
    const r = await loadKind(abs, { kind, file });
    verdicts.push({ file, kind: r.kind ?? null, valid: r.errors.length === 0, errors: r.errors, warnings: r.warnings });
  }
  return verdicts;
}

/** Why `abs` cannot be validated as a file, when the loader would not say it as well: a link or a folder. */
async function unreadable(abs: string, file: string): Promise<Diagnostic | undefined> {
  const error = (code: string, message: string, hint: string): Diagnostic => ({
    code,
    severity: 'error',
    file,
    message,
    hint,
  });
  let info: Stats;
  try {
    info = await stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const link = await lstat(abs).catch(() => undefined);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (!link?.isSymbolicLink()) return undefined; // plainly missing: the loader says E_FILE_NOT_FOUND
      const target = await readlink(abs).catch(() => '?');
      return error(
        'E_FILE_NOT_FOUND',
        `symbolic link to ${target}, which does not exist`,
        'fix or remove the link: a file or folder behind it would not be checked',
      );
    }
    return error(
      'E_FILE_READ',
      `cannot read ${link?.isSymbolicLink() ? 'the target of this symbolic link' : 'this file'} (${code ?? (e as Error).message})`,
      'check its permissions (and those of the folders above it)',
    );
  }
  if (!info.isDirectory()) return undefined;
  try {
    await readdir(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return error(
      'E_FILE_READ',
      `cannot list this folder (${code ?? (e as Error).message}): its files would not be checked`,
      'fix its permissions',
    );
  }
  return error('E_FILE_READ', 'is a folder, not a file', 'pass the folder itself to check the files in it');
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
