import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas';

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
