import { constants, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lstatIfThere } from '@st3/fs';
import { isSt3Error, St3Error } from '@st3/schemas';
import { answersPath } from './answers.js';
import { templateRegistryPath } from './provenance/template-registry.js';
import { versionsDir } from './versions.js';

/**
 * Checks, before a scaffold or update writes any file, that its recording can be written: the folders of
 * the template registry, of answers.json and of the kept template versions (or, where one does not exist
 * yet, the nearest folder it would be made in) take new files. Recording writes a lock file, a temp file
 * and a rename in each, so a folder the process cannot write fails here, as E_WRITE naming it, instead of
 * after the generated files are in place. A file (or a link to no folder) where one of those folders, or a
 * folder on the way to it, should be cannot take records either (mkdir fails EEXIST, writes in it ENOTDIR):
 * E_WRITE naming it. Nothing is created by the check. A dry run is checked too: it
 * promises what the real run would do, so it fails as that run would (E_WRITE, saying so).
 */
export async function checkRecordsWritable(workspace: string, options: { dryRun?: boolean } = {}): Promise<void> {
  const prefix = options.dryRun
    ? 'dry run: the records of this command cannot be written, so a real run would fail and write nothing: '
    : 'the records of this command cannot be written, so nothing was: ';
  const folders = [dirname(templateRegistryPath(workspace)), dirname(answersPath(workspace)), versionsDir(workspace)];
  for (const folder of folders) {
    const existing = nearestExisting(folder);
    if (!isFolder(existing)) throw notAFolderError(existing, folder, prefix);
    try {
      await access(existing, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw recordWriteError(error, existing, prefix);
    }
  }
}

/** The folder itself, else its nearest ancestor that exists (a path that cannot be looked at is E_FILE_READ). */
function nearestExisting(folder: string): string {
  let dir = folder;
  while (lstatIfThere(dir) === undefined && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Whether `path` is a folder or a link to one (access() passes on a file with x bits: no proof). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling or looping link: no folder to write in
  }
}

/** E_WRITE at the file (or dangling link) that stands where a records folder, or a folder on its way, should be. */
function notAFolderError(path: string, folder: string, prefix: string): St3Error {
  const why = path === folder ? 'st3 keeps records in that folder' : `st3 keeps records in ${folder} inside it`;
  return new St3Error('E_WRITE', `${prefix}${path} is not a folder, but ${why}`, {
    file: path,
    hint: `move or remove the file at ${path} (st3 makes the folder there when it records)`,
    details: { errno: 'ENOTDIR' },
  });
}

/**
 * A failure to write a record (lock, temp file, rename) as E_WRITE at the path it concerns; St3Errors
 * (E_LOCKED, E_CONFIG_INVALID, ...) pass as they are. `prefix` says what the command left.
 */
export function recordWriteError(error: unknown, path: string, prefix: string): St3Error {
  if (isSt3Error(error)) return error;
  const e = error as NodeJS.ErrnoException;
  const file = e.path ?? path;
  return new St3Error('E_WRITE', `${prefix}${e.message}`, {
    file,
    cause: error,
    hint: `give the user running st3 write access to ${dirname(file) === file ? file : `${file} (and its folder)`}, or run st3 as the owner of .st3/`,
    details: { errno: e.code },
  });
}
