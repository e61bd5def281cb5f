import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkScaffoldMetadata,
  errorFromDiagnostics,
  loadFile,
  ScaffoldMetadataConfigSchema,
  type ScaffoldMetadataConfig,
} from '@st3/schemas';
import { DEFAULT_METADATA_CONFIG } from './header.js';

/** `.st3/config/scaffold_metadata.yaml` when the workspace has one, else the seed's defaults. */
export async function loadMetadataConfig(workspace: string | undefined): Promise<ScaffoldMetadataConfig> {
  const path = workspace ? join(workspace, '.st3', 'config', 'scaffold_metadata.yaml') : undefined;
  if (!path || !existsSync(path)) return DEFAULT_METADATA_CONFIG;
  const result = await loadFile(path, { schema: ScaffoldMetadataConfigSchema, check: checkScaffoldMetadata });
  if (result.errors.length > 0 || !result.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', 'invalid scaffold metadata config', result.errors);
  return result.value;
}
