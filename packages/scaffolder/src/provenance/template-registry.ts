import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfThere, withFileLock, writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  errorFromDiagnostics,
  loadFile,
  St3Error,
  TemplateRegistrySchema,
  type TemplateRegistry,
  type VersionHashEntry,
} from '@st3/schemas';
import type { RenderedFile } from '../types.js';
import type { TemplateChain } from '../templates/store.js';

export function templateRegistryPath(workspace: string): string {
  return join(workspace, '.st3', 'template_registry.json');
}

/** Reads `.st3/template_registry.json` (an empty registry when absent). */
export async function readTemplateRegistry(workspace: string): Promise<TemplateRegistry> {
  const path = templateRegistryPath(workspace);
  if (!existsSync(path)) return { version: '1.0', version_hashes: {}, current_versions: {}, templates: {} };
  const result = await loadFile(path, { schema: TemplateRegistrySchema });
  if (result.errors.length > 0 || !result.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', 'invalid template registry', result.errors);
  return result.value;
}

/**
 * Records each file's version hash (concrete template and its tiers, outermost first as tier0...)
 * and marks it current for its artifact type. Read-modify-write under a lock, written atomically,
 * so parallel scaffolds never lose an entry. Existing entries are kept as they are.
 *
 * `then` (recording the answers) runs while the lock is still held: when it throws, the registry is put
 * back byte for byte (removed when there was none), so the pair is recorded together or not at all and no
 * registry entry names a version whose answers were never written.
 */
export async function recordTemplateVersions(
  workspace: string,
  items: { file: RenderedFile; chain: TemplateChain }[],
  now: Date,
  options: { then?: () => Promise<void> } = {},
): Promise<void> {
  const path = templateRegistryPath(workspace);
  if (items.length === 0) return options.then?.();
  await withFileLock(path, async () => {
    const previous = await readFileIfThere(path);
    await writeJsonAtomic(path, withVersions(await readTemplateRegistry(workspace), items, now));
    try {
      await options.then?.();
    } catch (error) {
      await restore(path, previous, error);
      throw error;
    }
  });
}

function withVersions(
  registry: TemplateRegistry,
  items: { file: RenderedFile; chain: TemplateChain }[],
  now: Date,
): TemplateRegistry {
  const stamp = now.toISOString().replace('Z', '+00:00');
  for (const { file, chain } of items) {
    if (!registry.version_hashes[file.versionHash]) {
      const entry: VersionHashEntry = {
        artifact_type: file.artifactType,
        created: stamp,
        hash_algorithm: 'SHA256',
        concrete: { template_id: file.templateId, version: file.templateVersion },
      };
      [...chain.layouts].reverse().forEach((layout, i) => {
        entry[`tier${i}`] = { template_id: layout.id, version: layout.meta.version };
      });
      if (chain.partials.length > 0)
        entry.partials = chain.partials.map((p) => ({ template_id: p.id, version: p.meta.version }));
      registry.version_hashes[file.versionHash] = entry;
    }
    registry.current_versions[file.artifactType] = file.versionHash;
  }
  registry.last_updated = stamp;
  return registry;
}

/** The registry as it was before this recording; a failure to put it back is said, with what caused the rollback. */
async function restore(path: string, previous: Buffer | undefined, why: unknown): Promise<void> {
  try {
    if (previous === undefined) await rm(path, { force: true });
    else await writeFileAtomic(path, previous);
  } catch (error) {
    throw new St3Error(
      'E_WRITE',
      `${(why as Error)?.message ?? String(why)}; and the template registry could not be put back: ${(error as Error).message}`,
      { file: path, cause: why, hint: `restore ${path} from version control, or remove the entries this run added` },
    );
  }
}
