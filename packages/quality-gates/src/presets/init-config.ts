import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@st3/fs';
import { St3Error } from '@st3/schemas/errors';
import { QUALITY_CONFIG_PATH } from '../config/paths.js';
import {
  addToGitignore,
  detectWorkspace,
  QUALITY_SCHEMA_FILE,
  qualitySchemaText,
  renderQualityConfig,
} from './init.js';
import { findPreset, PRESETS } from './presets.js';

export interface InitQualityConfigOptions {
  /** Where quality.yaml goes (default `<root>/.st3/config/quality.yaml`). */
  configPath?: string;
  /** Preset ids to use instead of detecting them (an empty list detects). */
  presets?: readonly string[];
  /** Overwrite an existing quality.yaml. */
  force?: boolean;
  /** How errors name the config file (default: its path). */
  display?: string;
  /** The errors' hints in the caller's words (a flag, a tool argument). */
  hints?: { force?: string; presets?: string };
}

export interface InitQualityConfigResult {
  /** The quality.yaml written (absolute). */
  path: string;
  /** Its JSON Schema, written beside it. */
  schemaPath: string;
  presets: string[];
  /** Why each detected preset was chosen; empty when the presets were given. */
  reasons: Record<string, string>;
  /** What was added to the workspace's `.gitignore` (`.st3/logs/`, `.st3/state.json`) and whether it was created. */
  gitignore: { added: string[]; created: boolean };
}

/**
 * `st3 gates init` (and the MCP tool init_gates): writes quality.yaml from the given presets or those
 * detected for the workspace, its JSON Schema beside it, and keeps the gate logs and run state out of git.
 * Refuses an existing config without `force` (E_CONFIG_EXISTS), an unknown preset or a workspace with
 * nothing to detect (E_USAGE), before anything is written.
 */
export async function initQualityConfig(
  root: string,
  options: InitQualityConfigOptions = {},
): Promise<InitQualityConfigResult> {
  const path = options.configPath ?? join(root, QUALITY_CONFIG_PATH);
  const display = options.display ?? path;
  if (existsSync(path) && options.force !== true)
    throw new St3Error('E_CONFIG_EXISTS', `${display} already exists`, {
      file: display,
      hint: options.hints?.force ?? 'force overwriting it (`st3 gates init --force`)',
    });
  const given = options.presets !== undefined && options.presets.length > 0;
  const detection = detectWorkspace(root);
  const presets = given ? [...options.presets!] : detection.presets;
  for (const id of presets)
    if (!findPreset(id))
      throw new St3Error('E_USAGE', `unknown preset "${id}"`, {
        hint: `presets: ${PRESETS.map((p) => p.id).join(', ')}`,
      });
  if (presets.length === 0)
    throw new St3Error('E_USAGE', `found no TypeScript/JavaScript or Python project in ${root}`, {
      hint: options.hints?.presets ?? 'name the presets of the tools you use (`st3 gates init --preset ID`)',
    });
  const schemaPath = join(dirname(path), QUALITY_SCHEMA_FILE);
  await writeFileAtomic(path, renderQualityConfig(presets));
  await writeFileAtomic(schemaPath, qualitySchemaText());
  const ignored = addToGitignore(root);
  return {
    path,
    schemaPath,
    presets,
    reasons: given ? {} : detection.reasons,
    gitignore: { added: ignored.added, created: ignored.created },
  };
}
