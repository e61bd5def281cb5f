import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import {
  errorFromDiagnostics,
  loadFile,
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
 */
export async function recordTemplateVersions(
  workspace: string,
  items: { file: RenderedFile; chain: TemplateChain }[],
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  const path = templateRegistryPath(workspace);
  await withFileLock(path, async () => {
    const registry = await readTemplateRegistry(workspace);
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
    await writeJsonAtomic(path, registry);
  });
}
