import { St3Error } from '@st3/schemas/errors';

/**
 * The source files of the workspace at `root` (absolute, sorted): exactly those `st3 atomize .` run
 * there atomizes — the atomizer's own file finder (the `.gitignore`-aware walk of @st3/fs: ignored,
 * hidden and `node_modules` folders left out; tests included, they are atoms too). A folder it cannot
 * list is E_FILE_READ naming it: a graph without its files would look complete.
 */
export async function workspaceSources(root: string): Promise<string[]> {
  const { findSourceFiles } = await import('@st3/atomizer');
  const { files, unreadable } = await findSourceFiles(['.'], root);
  const first = unreadable[0];
  if (first) {
    const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more folder(s))` : '';
    throw new St3Error(
      'E_FILE_READ',
      `cannot list ${first.folder} (${first.code}): its source files would be missing from the graph${more}`,
      {
        file: first.folder,
        hint: 'fix its permissions, or ignore it (.gitignore) so that nothing is expected to read it',
      },
    );
  }
  return files;
}
