import { lstatSync, type Stats } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { St3Error } from '@st3/schemas/errors';

/**
 * `lstat` of `path`, or undefined when nothing is there (ENOENT/ENOTDIR). A path that cannot be looked at
 * (EACCES, EIO) is `E_FILE_READ`: taken for "gone", it would be skipped (its gates, its changes) and pass.
 */
export function lstatIfThere(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new St3Error('E_FILE_READ', `cannot look at ${path} (${code ?? (error as Error).message})`, {
      file: path,
      hint: 'fix the permissions of the file or of its folder: what cannot be seen cannot be checked',
      cause: error,
    });
  }
}

/** Whether a file or symlink is at `path` (a folder is not: it cannot be the file that was there); see `lstatIfThere`. */
export function fileIsPresent(path: string): boolean {
  const st = lstatIfThere(path);
  return st !== undefined && !st.isDirectory();
}

/**
 * The bytes of the file at `path`, or undefined when nothing is there (ENOENT/ENOTDIR). A file that
 * cannot be read (EACCES, EISDIR, EIO) is `E_FILE_READ`: taken for "gone", a check would report the
 * wrong thing (missing where it is unreadable) or pass.
 */
export async function readFileIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new St3Error('E_FILE_READ', `cannot read ${path} (${code ?? (error as Error).message})`, {
      file: path,
      hint: 'fix the permissions of the file or of its folder: what cannot be read cannot be checked',
      cause: error,
    });
  }
}

/**
 * The names in the folder at `path`, or [] when nothing is there (ENOENT/ENOTDIR). A folder that cannot
 * be listed (EACCES, EIO) is `E_FILE_READ`: taken for empty, the records in it would be forgotten.
 */
export async function readdirIfThere(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new St3Error('E_FILE_READ', `cannot list ${path} (${code ?? (error as Error).message})`, {
      file: path,
      hint: 'fix the permissions of the folder: what cannot be listed cannot be counted',
      cause: error,
    });
  }
}
