import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  errorFromDiagnostics,
  loadFile,
  PatternCheckConfigSchema,
  St3Error,
  type PatternCheckConfig,
} from '@st3/schemas';
import { FIXED_LEVELS, PATTERN_RULES, type PatternCheckOptions, type PatternRule, type RuleLevel } from './check.js';

/** What the caller of a compliance check gave (flags of `st3 patterns check`, arguments of the check_patterns tool). */
export interface PatternCheckRequest {
  /** The workspace root: `.st3/config/patterns.yaml` is read from it, and the config's paths resolve from it. */
  root: string;
  /** Another rules file (`--config`): it must exist. Default `<root>/.st3/config/patterns.yaml`, when present. */
  configFile?: string;
  /** Where the given registry and link base resolve from, and the first place the default registry is looked for (default: root). */
  start?: string;
  /** The registry file or folder; default the config's `registry`, else found from `start` (see defaultRegistryDir). */
  registry?: string;
  /** Rule levels (validated: E_USAGE on an unknown rule or level); each wins over the config's level of that rule. */
  rules?: Readonly<Record<string, string>>;
  /** Folders that must exist beside the registry; default the config's `required_folders`. */
  requiredFolders?: string[];
  /** Where links resolve from; default the config's `link_base`. */
  linkBase?: string;
}

export interface ResolvedPatternCheck {
  /** The registry to check (absolute). */
  registry: string;
  options: PatternCheckOptions;
  config: PatternCheckConfig;
}

/**
 * The registry and options of a compliance check, as `st3 patterns check` and the check_patterns MCP tool
 * both run it: the rules file's settings, overridden by what the caller gave. Never writes.
 */
export async function resolvePatternCheck(request: PatternCheckRequest): Promise<ResolvedPatternCheck> {
  const { root } = request;
  const start = request.start ?? root;
  const config = await loadPatternCheckConfig(
    request.configFile ?? join(root, '.st3', 'config', 'patterns.yaml'),
    request.configFile !== undefined,
  );
  const rules = patternRuleLevels(request.rules ?? {});
  const registry = request.registry
    ? resolve(start, request.registry)
    : config.registry
      ? resolve(root, config.registry)
      : defaultRegistryDir(root, start);
  const linkBase = request.linkBase
    ? resolve(start, request.linkBase)
    : config.link_base
      ? resolve(root, config.link_base)
      : undefined;
  const options: PatternCheckOptions = {
    requiredFolders: request.requiredFolders ?? config.required_folders,
    linkFields: config.link_fields,
    linkBase,
    rules: { ...(config.rules as Partial<Record<PatternRule, RuleLevel>> | undefined), ...rules },
  };
  return { registry, options, config };
}

/** `.st3/config/patterns.yaml` (or another rules file); `{}` when it is absent and not required. E_CONFIG_INVALID when invalid. */
export async function loadPatternCheckConfig(path: string, required: boolean): Promise<PatternCheckConfig> {
  if (!existsSync(path)) {
    if (required) throw new St3Error('E_FILE_NOT_FOUND', `config file not found: ${path}`);
    return {};
  }
  const loaded = await loadFile(path, { schema: PatternCheckConfigSchema });
  if (!loaded.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', `invalid pattern check config ${path}`, loaded.errors);
  return loaded.value;
}

/** Rule levels given by a caller, checked: E_USAGE on a rule that is not one of PATTERN_RULES or a level other than error, warning, off. */
export function patternRuleLevels(levels: Readonly<Record<string, string>>): Partial<Record<PatternRule, RuleLevel>> {
  const out: Partial<Record<PatternRule, RuleLevel>> = {};
  for (const [rule, level] of Object.entries(levels)) {
    if (!(rule in PATTERN_RULES))
      throw new St3Error('E_USAGE', `unknown rule "${rule}"`, {
        hint: `one of: ${Object.keys(PATTERN_RULES).join(', ')}`,
      });
    if (level !== 'error' && level !== 'warning' && level !== 'off')
      throw new St3Error('E_USAGE', `rule ${rule}=${level}: level must be error, warning or off`);
    const fixed = FIXED_LEVELS[rule as PatternRule];
    if (fixed !== undefined && level !== fixed)
      throw new St3Error('E_USAGE', `rule ${rule} is always ${fixed}: it cannot be set to ${level}`, {
        hint: `${rule}: ${PATTERN_RULES[rule as PatternRule]}`,
      });
    out[rule as PatternRule] = level;
  }
  return out;
}

/**
 * The registry folder when none is given or configured: the first of `start`, `start/patterns`, `root/patterns`
 * and `root` that holds PATTERN_INDEX.yaml (or registry/PATTERN_INDEX.yaml), else `root/patterns`.
 */
export function defaultRegistryDir(root: string, start: string): string {
  for (const dir of [start, join(start, 'patterns'), join(root, 'patterns'), root]) {
    if (existsSync(join(dir, 'PATTERN_INDEX.yaml')) || existsSync(join(dir, 'registry', 'PATTERN_INDEX.yaml')))
      return dir;
  }
  return join(root, 'patterns');
}
