import type { ImportIndex } from '@st3/quality-gates';
import type { WorkspaceFiles } from '../change/workspace.js';

/** The files importing a changed one, as they are in the run's workspace (its edits and created files included). */
export interface RunImporters {
  of(path: string): Promise<string[]>;
}

/**
 * One import index per run: the project's sources are listed and read once, at the first question;
 * before each answer the files this run wrote are read again (through `files`, so a dry run's edits
 * count) and only those whose content changed are scanned again. Files other processes change meanwhile
 * are not seen, as the run's scratch copies do not see them either (they take only the run's writes).
 */
export function createRunImporters(root: string, files: WorkspaceFiles): RunImporters {
  const read = async (p: string): Promise<string> => {
    const text = await files.read(p);
    if (text === undefined) throw Object.assign(new Error(`${p} is gone`), { code: 'ENOENT' });
    return text;
  };
  let index: Promise<ImportIndex> | undefined;
  const build = async (): Promise<ImportIndex> => {
    const { buildImportIndex, listProjectFiles } = await import('@st3/quality-gates');
    return buildImportIndex(root, await listProjectFiles(root), read);
  };
  return {
    async of(path) {
      // A failed build (a file it could not read) is tried again at the next question, not kept.
      index ??= build().catch((error: unknown) => {
        index = undefined;
        throw error;
      });
      const ready = await index;
      await ready.update(files.changed());
      return ready.importersOf([path]);
    },
  };
}
