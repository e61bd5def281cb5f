import { lstatSync } from 'node:fs';
import { St3Error } from '@st3/schemas/errors';

/**
 * Whether a file or symlink is at `path` (a folder is not: it cannot be the file that was there). Only
 * ENOENT/ENOTDIR mean "not there": a path that cannot be looked at (EACCES, EIO) is `E_FILE_READ`, since
 * calling it gone would skip its gates (or drop it from the files that failed before) and pass.
 */
export function fileIsPresent(path: string): boolean {
  try {
    return !lstatSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new St3Error('E_FILE_READ', `cannot look at ${path} (${code ?? (error as Error).message})`, {
      file: path,
      hint: 'fix the permissions of the file or of its folder: what cannot be seen cannot be checked',
      cause: error,
    });
  }
}
