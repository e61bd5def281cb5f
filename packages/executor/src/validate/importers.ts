import type { ImportIndex } from '@st3/quality-gates';
import type { WorkspaceFiles } from '../change/workspace.js';
import { changedBetween, type WorkspaceScan } from './workspace-scan.js';

/** The files importing a changed one, as they are in the run's workspace (its edits and created files included). */
export interface RunImporters {
  /** `scan`: the workspace as it is now (scanWorkspace), to see what other processes wrote since the last question. */
  of(path: string, scan: WorkspaceScan): Promise<string[]>;
}

/** The project's files the index knows, and files seen on disk that the project leaves out (ignored by git, say). */
interface ProjectPaths {
  listed: Set<string>;
  outside: Set<string>;
}

/**
 * One import index per run: the project's sources are listed and read once, at the first question.
 * Before each answer the files this run wrote are read again (through `files`, so a dry run's edits
 * count), and so are the project's files another process created, changed or deleted (their stamps
 * differ from the last scan's); only those whose content changed are scanned again.
 */
export function createRunImporters(root: string, files: WorkspaceFiles): RunImporters {
  const read = async (p: string): Promise<string> => {
    const text = await files.read(p);
    if (text === undefined) throw Object.assign(new Error(`${p} is gone`), { code: 'ENOENT' });
    return text;
  };
  let index: Promise<ImportIndex> | undefined;
  let seen: WorkspaceScan | undefined;
  const project: ProjectPaths = { listed: new Set(), outside: new Set() };
  const build = async (): Promise<ImportIndex> => {
    const { buildImportIndex, listProjectFiles } = await import('@st3/quality-gates');
    const sources = await listProjectFiles(root);
    for (const p of sources) project.listed.add(p);
    return buildImportIndex(root, sources, read);
  };
  return {
    async of(path, scan) {
      // The scan was taken before the build lists and reads the files: what changes meanwhile is read again.
      seen ??= scan;
      // A failed build (a file it could not read) is tried again at the next question, not kept.
      index ??= build().catch((error: unknown) => {
        index = undefined;
        throw error;
      });
      const ready = await index;
      const onDisk = changedBetween(seen, scan);
      seen = scan;
      await ready.update([...files.changed(), ...(await inProject(root, project, onDisk))]);
      return ready.importersOf([path]);
    },
  };
}

/**
 * The paths of `paths` that are the project's (as `st3 gates` lists it): a file created on disk is
 * looked up in a new listing (only then: the common case lists nothing again), so built output or
 * anything git ignores never becomes an importer.
 */
async function inProject(root: string, project: ProjectPaths, paths: readonly string[]): Promise<string[]> {
  const unknown = paths.filter((p) => !project.listed.has(p) && !project.outside.has(p));
  if (unknown.length > 0) {
    const { listProjectFiles } = await import('@st3/quality-gates');
    const listing = new Set(await listProjectFiles(root));
    for (const p of unknown) (listing.has(p) ? project.listed : project.outside).add(p);
  }
  return paths.filter((p) => project.listed.has(p));
}
