import { blankStamps, isoSeconds, parseHeader, setStamps } from './provenance/header.js';
import type { RenderedFile } from './types.js';
import type { OverwritePolicy, VirtualTree } from './tree/virtual-tree.js';

/**
 * Stages rendered files in a tree, keeping provenance honest across re-runs: when the target
 * already carries a header from the same artifact type, its `created=` is kept; if the rest of
 * the file is identical the existing text is staged as is (no spurious update), otherwise
 * `updated=` is set to now.
 */
export async function stageRendered(
  tree: VirtualTree,
  files: RenderedFile[],
  options: { now?: Date; policy?: OverwritePolicy } = {},
): Promise<RenderedFile[]> {
  const now = options.now ?? new Date();
  const out: RenderedFile[] = [];
  for (const file of files) {
    const existing = await tree.read(file.path);
    let content = file.content;
    if (existing !== undefined) {
      const header = parseHeader(existing, file.path);
      if (header.status === 'ok' && header.template === file.artifactType && header.created) {
        const withCreated = setStamps(content, header.created, '');
        content =
          blankStamps(existing) === blankStamps(withCreated)
            ? existing
            : setStamps(content, header.created, isoSeconds(now));
      }
    }
    tree.write(file.path, content, options.policy ? { policy: options.policy } : {});
    out.push({ ...file, content });
  }
  return out;
}
