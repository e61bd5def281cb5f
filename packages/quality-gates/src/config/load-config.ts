import {
  loadFile,
  loadText,
  QualityConfigSchema,
  type CheckContext,
  type Diagnostic,
  type QualityConfig,
  type Result,
} from '@st3/schemas';
import { compileConfigRegex, groupNames, placeholders } from './regex.js';

export { QUALITY_CONFIG_PATH } from './paths.js';

const VIOLATION_FIELDS = new Set([
  'file',
  'line',
  'col',
  'column',
  'rule',
  'message',
  'severity',
  'end_line',
  'end_col',
]);

/** Loads quality.yaml (v1.x) with every schema and semantic error located at file:line:col. */
export function loadQualityConfig(path: string): Promise<Result<QualityConfig>> {
  return loadFile<QualityConfig>(path, { schema: QualityConfigSchema, check: checkQualityConfig, unknownKeys: 'warn' });
}

/** `loadQualityConfig` for text already in memory. */
export function parseQualityConfig(text: string, file = 'quality.yaml'): Result<QualityConfig> {
  return loadText<QualityConfig>(text, {
    file,
    schema: QualityConfigSchema,
    check: checkQualityConfig,
    unknownKeys: 'warn',
  });
}

type Path = (string | number)[];
type At = (path: Path, code: string, severity: 'error' | 'warning', message: string, hint?: string) => void;
type Compiles = (path: Path, source: string) => boolean;

/**
 * Rules the schema cannot express: regexes compile (in Python or JS syntax), `{placeholders}` name
 * a capture group, field maps name violation fields and take one value each.
 */
export function checkQualityConfig(config: QualityConfig, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at: At = (path, code, severity, message, hint) => {
    const pos = ctx.locate(path);
    out.push({ code, severity, file: ctx.file, line: pos?.line, column: pos?.column, path, message, hint });
  };
  const compiles: Compiles = (path, source) => {
    try {
      compileConfigRegex(source);
      return true;
    } catch (error) {
      at(
        path,
        'E_CONFIG_INVALID',
        'error',
        `regex does not compile: ${(error as Error).message}`,
        'named groups may be written (?P<name>...) or (?<name>...)',
      );
      return false;
    }
  };
  for (const [id, gate] of Object.entries(config.gates)) {
    const base = ['gates', id];
    checkSuccess(gate, base, compiles, at);
    checkTextViolations(gate.capabilities, base, compiles, at);
    checkFixableWhen(gate.capabilities, base, compiles, at);
    checkJsonViolations(gate.capabilities, base, at);
    gate.capabilities.not_checked_patterns?.forEach((source, i) =>
      compiles([...base, 'capabilities', 'not_checked_patterns', i], source),
    );
    gate.capabilities.hidden_output_patterns?.forEach((source, i) =>
      compiles([...base, 'capabilities', 'hidden_output_patterns', i], source),
    );
    checkCheckedFilesPattern(gate, base, compiles, at);
    checkCheckedCountPath(gate, base, at);
  }
  return out;
}

type Gate = QualityConfig['gates'][string];

/** `checked_files_pattern` is a regex with a `file` group. */
function checkCheckedFilesPattern(gate: Gate, base: Path, compiles: Compiles, at: At): void {
  const source = gate.capabilities.checked_files_pattern;
  if (source === undefined) return;
  const path = [...base, 'capabilities', 'checked_files_pattern'];
  if (compiles(path, source) && !groupNames(source).has('file'))
    at(path, 'E_CONFIG_INVALID', 'error', 'checked_files_pattern needs a named group "file"');
}

/** `checked_count_path` is one path (no `[]`) into the JSON output the gate parses. */
function checkCheckedCountPath(gate: Gate, base: Path, at: At): void {
  const source = gate.capabilities.checked_count_path;
  if (source === undefined) return;
  const path = [...base, 'capabilities', 'checked_count_path'];
  if (source.trim() === '' || source.includes('[]'))
    at(
      path,
      'E_CONFIG_INVALID',
      'error',
      'checked_count_path must be one path to a number, e.g. summary/filesAnalyzed',
    );
  else if (gate.capabilities.parsing_strategy !== 'json_violations')
    at(
      path,
      'E_CONFIG_INVALID',
      'error',
      'checked_count_path reads JSON output: it needs parsing_strategy json_violations',
    );
}

function checkSuccess(gate: Gate, base: Path, compiles: Compiles, at: At): void {
  const success = gate.success as { score_pattern?: string; min_score?: number };
  if (success.score_pattern !== undefined && compiles([...base, 'success', 'score_pattern'], success.score_pattern)) {
    if (!groupNames(success.score_pattern).has('score'))
      at(
        [...base, 'success', 'score_pattern'],
        'E_CONFIG_INVALID',
        'error',
        'score_pattern needs a named group "score"',
      );
  }
  if (success.min_score !== undefined && success.score_pattern === undefined) {
    at(
      [...base, 'success', 'min_score'],
      'E_CONFIG_INVALID',
      'error',
      'min_score needs success.score_pattern to read the score',
    );
  }
}

function checkTextViolations(caps: Gate['capabilities'], base: Path, compiles: Compiles, at: At): void {
  const text = caps.text_violations;
  if (!text) return;
  const path = [...base, 'capabilities', 'text_violations'];
  if (compiles([...path, 'pattern'], text.pattern)) {
    const groups = groupNames(text.pattern);
    for (const [field, value] of Object.entries(text.defaults ?? {})) {
      if (typeof value !== 'string') continue;
      for (const name of placeholders(value)) {
        if (!groups.has(name)) {
          at(
            [...path, 'defaults', field],
            'E_CONFIG_INVALID',
            'error',
            `placeholder {${name}} names no capture group of the pattern`,
            `groups: ${[...groups].join(', ') || 'none'}`,
          );
        }
      }
    }
    if (!groups.has('file') && text.defaults?.file === undefined) {
      at(
        [...path, 'pattern'],
        'W_CONFIG',
        'warning',
        'the pattern has no "file" group and defaults give no file: violations will have no file',
      );
    }
  }
  if (text.continuation_pattern !== undefined) compiles([...path, 'continuation_pattern'], text.continuation_pattern);
}

function checkJsonViolations(caps: Gate['capabilities'], base: Path, at: At): void {
  const json = caps.json_violations;
  if (!json) return;
  for (const [field, path] of Object.entries(json.field_map)) {
    const where = [...base, 'capabilities', 'json_violations', 'field_map', field];
    if (!VIOLATION_FIELDS.has(field))
      at(
        where,
        'W_CONFIG',
        'warning',
        `field_map key "${field}" is not a violation field and is ignored`,
        `fields: ${[...VIOLATION_FIELDS].join(', ')}`,
      );
    else if (typeof path === 'string' && path.includes('[]'))
      at(
        where,
        'E_CONFIG_INVALID',
        'error',
        `field path "${path}" iterates an array ([]), but a violation field takes one value`,
        'use an index instead, e.g. labels/0/span/line',
      );
  }
}

/** `fixable_when` objects: a `matches` regex compiles; in text_violations the path names a capture group. */
function checkFixableWhen(caps: Gate['capabilities'], base: Path, compiles: Compiles, at: At): void {
  for (const kind of ['json_violations', 'text_violations'] as const) {
    const when = caps[kind]?.fixable_when;
    if (when === null || when === undefined || typeof when === 'string') continue;
    const path = [...base, 'capabilities', kind, 'fixable_when'];
    if (when.matches !== undefined) compiles([...path, 'matches'], when.matches);
    const text = caps.text_violations;
    if (kind === 'text_violations' && text && !groupNames(text.pattern).has(when.path))
      at(
        [...path, 'path'],
        'W_CONFIG',
        'warning',
        `fixable_when path "${when.path}" names no capture group of the pattern`,
      );
  }
}
