import type { Diagnostic, QualityConfig } from '@st3/schemas';
import { errorFromDiagnostics, St3Error } from '@st3/schemas/errors';
import { cachedQualityConfig } from './config-cache.js';

export interface RequireQualityConfigOptions {
  /** How the file is named in messages (default: `path`), e.g. relative to the workspace root. */
  display?: string;
  /** What to do when there is no config (default: run `st3 gates init`). */
  missingHint?: string;
  /**
   * Keep the validated config here and answer from it while the text and ST3 are unchanged
   * (`.st3/cache/quality-config.json` of the workspace: `QUALITY_CONFIG_CACHE`). Default: validate every time.
   */
  cacheFile?: string;
  /** Answer from `cacheFile` but never write it (a dry run changes nothing). */
  cacheReadOnly?: boolean;
}

/**
 * quality.yaml for a command that cannot go on without it: the config and its warnings, or a typed
 * error — E_FILE_NOT_FOUND with how to write one, E_CONFIG_INVALID with every located error.
 */
export async function requireQualityConfig(
  path: string,
  options: RequireQualityConfigOptions = {},
): Promise<{ config: QualityConfig; warnings: Diagnostic[] }> {
  const display = options.display ?? path;
  const loaded = options.cacheFile
    ? await cachedQualityConfig(path, options.cacheFile, { readOnly: options.cacheReadOnly === true })
    : await (await import('./load-config.js')).loadQualityConfig(path);
  if (loaded.errors[0]?.code === 'E_FILE_NOT_FOUND')
    throw new St3Error('E_FILE_NOT_FOUND', `no quality config at ${display}`, {
      file: display,
      hint: options.missingHint ?? 'run `st3 gates init` to write one',
    });
  if (!loaded.value || loaded.errors.length > 0)
    throw errorFromDiagnostics('E_CONFIG_INVALID', `invalid quality config ${display}`, loaded.errors);
  return { config: loaded.value, warnings: loaded.warnings };
}

/** One configured gate as `st3 gates list` and the list_gates MCP tool show it. */
export interface GateListing {
  id: string;
  name: string;
  /** In `active_gates` (every gate when that list is empty). */
  active: boolean;
  file_types: string[];
  parsing_strategy: string;
  command: string[];
  supports_autofix: boolean;
  /** How far its verdict reaches in auto scope; absent in the config means importers. */
  scope_mode: string;
  /** Its fix command, if it has one. */
  fix: string[] | null;
}

/** The gates of a config in their declared order, with whether each is active. */
export function listConfiguredGates(config: QualityConfig): GateListing[] {
  const active = new Set(config.active_gates.length > 0 ? config.active_gates : Object.keys(config.gates));
  return Object.entries(config.gates).map(([id, g]) => ({
    id,
    name: g.name,
    active: active.has(id),
    file_types: g.capabilities.file_types,
    parsing_strategy: g.capabilities.parsing_strategy,
    command: g.execution.command,
    supports_autofix: g.capabilities.supports_autofix,
    scope_mode: g.capabilities.scope_mode ?? 'importers',
    fix: g.capabilities.fix?.command ?? null,
  }));
}
