import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IndexedGraph } from '@st3/dep-graph/core';

/**
 * One `{nodes, edges}` JSON file, streamed through a window and indexed without the schema loader
 * (which, with zod, costs more than the whole analysis of a small graph) and without an object per
 * edge. Anything else — several inputs, atoms, sources, a document with a problem — is undefined:
 * the caller then uses the full loader, which reports problems with line and column.
 */
export async function fastGraphInput(inputs: readonly string[], cwd: string): Promise<IndexedGraph | undefined> {
  if (inputs.length !== 1 || !/\.json$/i.test(inputs[0]!)) return undefined;
  const abs = resolve(cwd, inputs[0]!);
  if (!existsSync(abs) || !statSync(abs).isFile()) return undefined;
  const { indexGraphFile } = await import('@st3/dep-graph/core');
  try {
    return indexGraphFile(abs);
  } catch (error) {
    // A file it cannot open or read (EACCES, EIO): the full loader reports it (E_FILE_READ, with the file).
    if ((error as NodeJS.ErrnoException).syscall !== undefined) return undefined;
    throw error;
  }
}
