import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { lstatIfThere, walkFiles } from '@st3/fs';
import { isSt3Error, St3Error, type ScaffoldMetadataConfig } from '@st3/schemas';
import { resolveInside } from '../tree/paths.js';
import { syntaxFor } from './header.js';

/** Folders never searched for generated files: tool output and caches, however .gitignore reads. */
const SKIP_DIRS = ['node_modules', '.git', 'dist', '.turbo', 'coverage', '__pycache__', '.venv'];

/** A root-relative path with forward slashes ('' for the root itself). */
export function toRel(root: string, abs: string): string {
  return relative(root, abs).split(/[\\/]/).join('/');
}

export function inScope(abs: string, scope: readonly string[]): boolean {
  return scope.some((s) => abs === s || abs.startsWith(s.endsWith(sep) ? s : `${s}${sep}`));
}

/**
 * The absolute paths to check, each inside the workspace: a path that leaves it (`..`, or a link to a folder
 * outside) is E_PATH_ESCAPE, as for the other scaffold verbs, since its files are none of the workspace's.
 */
export function scopePaths(root: string, paths: readonly string[]): string[] {
  return (paths.length > 0 ? paths : ['.']).map((p) => {
    const rel = insideRel(root, resolve(root, p));
    try {
      resolveInside(root, rel === '' ? '.' : rel);
    } catch (error) {
      if (!isSt3Error(error, 'E_PATH_ESCAPE')) throw error;
      const shown = rel.split(sep).join('/') || '.';
      throw new St3Error('E_PATH_ESCAPE', `refusing to check "${shown}": ${error.message.replace(/^[^:]*: /, '')}`, {
        hint: 'scaffold check judges files inside the workspace only; give a path inside it',
        details: { path: shown },
        cause: error,
      });
    }
    return resolve(root, rel);
  });
}

/** The path relative to the root, also when it was spelled through the root's real path (a linked tmp folder). */
function insideRel(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (!escapes(rel)) return rel;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return rel;
  }
  const viaReal = relative(realRoot, abs);
  return escapes(viaReal) ? rel : viaReal;
}

function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/**
 * Files under `scope` that take a provenance header, with walkFiles of @st3/fs: .gitignore honoured, links
 * left out (a link to a folder is not entered, a link to a file is checked through the file's own path, or lies
 * outside the workspace), a folder that cannot be listed E_FILE_READ. Hidden entries are skipped but `.st3`.
 * A scope path that is not there is E_FILE_NOT_FOUND, unless a recorded file under it is to be reported gone.
 */
export async function collect(
  root: string,
  scope: readonly string[],
  recorded: readonly string[],
  config: ScaffoldMetadataConfig,
): Promise<string[]> {
  const out: string[] = [];
  for (const abs of scope) {
    const info = lstatIfThere(abs);
    if (info && (info.isDirectory() || (info.isSymbolicLink() && linksToFolder(abs)))) {
      const files = await walkFiles(abs, {
        skipNames: SKIP_DIRS,
        symlinks: 'none',
        enter: (relDir) => !hidden(relDir),
        filter: (relFile) => !hidden(relFile) && syntaxFor(relFile, config) !== undefined,
      });
      out.push(...files.map((f) => join(abs, f)));
    } else if (info) {
      if (syntaxFor(abs, config)) out.push(abs);
    } else if (!recorded.some((rel) => inScope(resolve(root, rel), [abs])))
      throw new St3Error('E_FILE_NOT_FOUND', `path not found: ${toRel(root, abs)}`, {
        hint: 'paths are relative to the workspace root',
      });
  }
  return [...new Set(out)];
}

/** A scope path given as a link (proven inside the workspace) is walked like the folder it names. */
function linksToFolder(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false; // dangling or looping: no folder; read as a file, it is reported unreadable
  }
}

/** The last segment names a hidden entry (other than `.st3`, where workspace files live). */
function hidden(rel: string): boolean {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return name.startsWith('.') && name !== '.st3';
}
