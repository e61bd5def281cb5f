import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { formatPath, issueToDiagnostic, loadText, St3Error, type CheckContext, type Diagnostic } from '@st3/schemas';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams a file through SHA-256 (evidence can be tens of MB). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** Is `child` the same as or below `parent` (both absolute)? */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Workspace-relative POSIX path for records (absolute when outside). */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

export interface SafePathOptions {
  /** Accept a path outside the workspace (an explicit user decision, e.g. `--allow-outside`). */
  allowOutside?: boolean;
}

/**
 * Resolves `input` against the workspace root and refuses anything that lands outside it,
 * following symlinks: a link inside the workspace pointing out is refused too (E_PATH_ESCAPE).
 */
export async function resolveInside(root: string, input: string, options: SafePathOptions = {}): Promise<string> {
  const absolute = resolve(root, input);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new St3Error('E_FILE_NOT_FOUND', `not found: ${input}`, {
        file: input,
        hint: 'paths are relative to the workspace root',
      });
    throw error;
  }
  if (!options.allowOutside) {
    const realRoot = await realpath(root);
    if (!isInside(realRoot, real)) {
      const how = isInside(resolve(root), absolute) ? ' through a symlink' : '';
      throw new St3Error('E_PATH_ESCAPE', `${input} resolves outside the workspace${how}`, {
        file: input,
        hint: 'attach files inside the workspace, or pass --allow-outside on purpose',
      });
    }
  }
  return real;
}

export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new St3Error('E_CONTEXT_CORRUPT', `${path} is not valid JSON: ${(error as Error).message}`, {
      file: path,
      cause: error,
    });
  }
}

/** How a record reader names and locates a record in its errors. */
export interface RecordOptions {
  /** What the record is, for messages ("evidence index of TASK-0001"). */
  what: string;
  /** The path shown in errors (default: the path read). */
  display?: string;
  /** How to get a good copy back. */
  hint?: string;
}

const RECORD_HINT = 'restore it from version control, or purge and re-init the context';

/**
 * A JSON record ST3 keeps (context.json, an evidence index, qa/runs.json, the ledger, the quarantine):
 * undefined when the file does not exist, else its raw value (for the keys the schema does not know)
 * and what `schema` makes of it. A file that is not JSON, or does not match the schema, is
 * E_CONTEXT_CORRUPT at file:line:col with the field path (`entries`) and every finding as diagnostics;
 * one that cannot be read is E_FILE_READ. Parsed with `JSON.parse`; positions are found only on failure.
 */
export async function readRecord<T>(
  path: string,
  schema: z.ZodType<T>,
  options: RecordOptions,
): Promise<{ raw: unknown; data: T } | undefined> {
  const display = options.display ?? path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new St3Error('E_FILE_READ', `cannot read the ${options.what} ${display}: ${(error as Error).message}`, {
      file: display,
      cause: error,
      hint: 'check that it is a readable file',
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const { errors } = located(text, display);
    const found =
      errors.length > 0
        ? errors
        : [
            {
              code: 'E_PARSE',
              severity: 'error' as const,
              file: display,
              message: `not valid JSON: ${(error as Error).message}`,
            },
          ];
    throw corruptRecord(options.what, found, options.hint);
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { raw, data: parsed.data };
  const { ctx } = located(text, display);
  const diagnostics = parsed.error.issues.map((issue) =>
    issueToDiagnostic(issue, display, ctx?.locate ?? (() => undefined)),
  );
  throw corruptRecord(`${options.what} does not match its schema`, diagnostics, options.hint);
}

/** The text read by the position-keeping loader: its parse errors, or a context that locates a path. */
function located(text: string, file: string): { errors: Diagnostic[]; ctx?: CheckContext } {
  let ctx: CheckContext | undefined;
  const result = loadText<unknown>(text, {
    file,
    format: 'json',
    schema: z.unknown(),
    check: (_value, c) => {
      ctx = c;
      return [];
    },
  });
  return { errors: result.errors, ctx };
}

/** E_CONTEXT_CORRUPT at the first finding (file:line:col, field path), carrying them all. */
function corruptRecord(message: string, diagnostics: Diagnostic[], hint = RECORD_HINT): St3Error {
  const first = diagnostics[0]!;
  const path = first.path && first.path.length > 0 ? formatPath(first.path) : undefined;
  return new St3Error('E_CONTEXT_CORRUPT', `${message}: ${first.message}${path ? ` at ${path}` : ''}`, {
    file: first.file,
    line: first.line,
    column: first.column,
    hint: first.hint ? `${first.hint}; or ${hint}` : hint,
    diagnostics,
    ...(path ? { details: { path } } : {}),
  });
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The clock every record uses; tests pass a fixed one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
