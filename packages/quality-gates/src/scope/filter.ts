import { createRequire } from 'node:module';
import type { GateConfig, QualityConfig } from '@st3/schemas';
import type picomatchType from 'picomatch';

let loaded: typeof picomatchType | undefined;

/**
 * picomatch, required on first use: it is CommonJS, and an ESM import of it costs Node's module
 * lexer ~10 ms at every start-up (a tenth of `st3 gates --dry-run`); `require` takes ~5 ms, once.
 */
export function picomatch(globs: string | string[], options: picomatchType.PicomatchOptions): picomatchType.Matcher {
  loaded ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return loaded(globs, options);
}

export type Matcher = (file: string) => boolean;

/** One matcher for a list of globs (relative to the workspace root, dot files included). */
export function globMatcher(globs: readonly string[] | undefined): Matcher | undefined {
  if (!globs || globs.length === 0) return undefined;
  return picomatch(globs as string[], { dot: true });
}

/**
 * The files of `candidates` a gate checks: its file types, then its own include globs (or the
 * project's when it has none), minus its exclude globs.
 */
export function createGateFilter(gate: GateConfig, config: QualityConfig): Matcher {
  const types = (gate.capabilities.file_types ?? []).map((t) => (t.startsWith('.') || t === '*' ? t : `.${t}`));
  const anyType = types.length === 0 || types.includes('*');
  const include = globMatcher(gate.scope?.include_globs) ?? globMatcher(config.project_scope?.include_globs);
  const exclude = globMatcher(gate.scope?.exclude_globs);
  return (file) => {
    if (!anyType && !types.some((t) => file.endsWith(t))) return false;
    if (include && !include(file)) return false;
    if (exclude && exclude(file)) return false;
    return true;
  };
}

/** Why a gate has no files: said in its `skipped` reason. */
export function describeGateFilter(gate: GateConfig): string {
  const parts = [`file types ${(gate.capabilities.file_types ?? []).join(', ') || 'any'}`];
  if (gate.scope?.include_globs?.length) parts.push(`include ${gate.scope.include_globs.join(', ')}`);
  if (gate.scope?.exclude_globs?.length) parts.push(`exclude ${gate.scope.exclude_globs.join(', ')}`);
  return parts.join('; ');
}

/**
 * Why a gate does not check `file` (one clause naming the setting that leaves it out), or undefined when
 * it does: what a `files` run says of a listed file that no gate checks.
 */
export function whyGateSkipsFile(gate: GateConfig, config: QualityConfig, file: string): string | undefined {
  const types = (gate.capabilities.file_types ?? []).map((t) => (t.startsWith('.') || t === '*' ? t : `.${t}`));
  if (types.length > 0 && !types.includes('*') && !types.some((t) => file.endsWith(t)))
    return `takes only file types ${types.join(', ')}`;
  const own = gate.scope?.include_globs;
  if (own && own.length > 0) {
    if (!globMatcher(own)!(file)) return `outside its scope.include_globs (${own.join(', ')})`;
  } else {
    const project = config.project_scope?.include_globs;
    if (project && project.length > 0 && !globMatcher(project)!(file))
      return `outside project_scope.include_globs (${project.join(', ')})`;
  }
  const exclude = gate.scope?.exclude_globs;
  if (exclude && exclude.length > 0 && globMatcher(exclude)!(file))
    return `excluded by its scope.exclude_globs (${exclude.join(', ')})`;
  return createGateFilter(gate, config)(file) ? undefined : 'not among the files it takes';
}
