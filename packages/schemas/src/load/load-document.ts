import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { Diagnostic, Result } from '../errors/diagnostic.js';
import type { Position } from './locate.js';
import type { St3Error } from '../errors/st3-error.js';
import { withoutNegativeZero } from './negative-zero.js';
import { parseFast, parseLargeJson, parseLargeYaml, parseYaml, strictJsonError, type Parsed } from './parse-text.js';
import { issueToDiagnostic } from './schema-issue.js';
import { unknownKeyWarnings } from './unknown-keys.js';

export { issueToDiagnostic } from './schema-issue.js';
import { decodeUtf8 } from './utf8.js';

export type DocumentFormat = 'yaml' | 'json';

export interface LoadOptions<T> {
  /** File name used in diagnostics and to pick the format (`.json` → JSON, else YAML). */
  file?: string;
  format?: DocumentFormat;
  /** The zod schema the parsed value must satisfy; without it the raw value is returned. */
  schema?: z.ZodType<T>;
  /** Extra rules run on a schema-valid value (deprecations, cross-field checks). */
  check?: (value: T, ctx: CheckContext) => Diagnostic[];
  /** Refuse inputs larger than this many bytes (default 256 MiB). */
  maxBytes?: number;
  /**
   * Inputs longer than this use the low-memory parsers (js-yaml, `JSON.parse`): parse errors keep their
   * position, schema errors keep their path (default 4 MiB for YAML, 8 MiB for JSON).
   */
  lowMemoryAbove?: number;
  /**
   * Inputs longer than this (and not over `lowMemoryAbove`) are parsed by the fast parser first, and the
   * position-keeping YAML document is built only when a diagnostic needs a position (default 256 KiB).
   */
  fastAbove?: number;
  /**
   * `warn`: a `W_UNKNOWN_KEY` warning, at the key, for each key no schema object declares (a typo would
   * otherwise be dropped or ignored without a word), with the closest known key as hint. Default `ignore`.
   */
  unknownKeys?: 'warn' | 'ignore';
}

export interface CheckContext {
  file?: string;
  /** 1-based position of the value at `path` (or its nearest ancestor). */
  locate(path: readonly PropertyKey[], options?: { atKey?: boolean }): Position | undefined;
}

/** Above this size JSON is parsed with `JSON.parse` and positions are found only on demand. */
const LARGE_JSON_BYTES = 8 * 1024 * 1024;
/**
 * Above this size YAML is parsed with js-yaml (plain objects, ~10x less memory than a YAML document
 * with node ranges). Parse errors keep their line:col; schema errors keep their path but not a line.
 */
const LARGE_YAML_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** A broken big file could produce an issue per record; past this many, one summary diagnostic is reported. */
const MAX_DIAGNOSTICS = 500;
/**
 * The position-keeping parser costs ~1.3 µs of CPU per byte (1.4 MB of keys: ~1.9 s); js-yaml ~0.15 µs.
 * Above this size js-yaml reads the value and the YAML document is built only if a position is asked for.
 */
const FAST_BYTES = 256 * 1024;
/** An alias (`*name`): documents that use them take the guarded path (alias expansion is capped there). */
const ALIAS = /(?:^|[\s,[{:-])\*[^\s,[\]{}]+/m;

/** Parses YAML or JSON text, validates it against a schema, and reports every problem with its line and column. */
export function loadText<T = unknown>(text: string, options: LoadOptions<T> = {}): Result<T> {
  const file = options.file;
  const format = options.format ?? formatFromName(file);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    return {
      warnings: [],
      errors: [
        {
          code: 'E_TOO_LARGE',
          severity: 'error',
          file,
          message: `input is ${text.length} bytes, over the ${maxBytes}-byte limit`,
          hint: 'raise maxBytes or split the file',
        },
      ],
    };
  }
  const parsed = parse(text, file, format, options);
  if (parsed.errors.length > 0) return { warnings: parsed.warnings, errors: parsed.errors };
  // js-yaml reads the integer `-0` as 0, the YAML library and JSON.parse as -0: one answer on every path.
  if (text.includes('-0')) parsed.value = withoutNegativeZero(parsed.value);
  const locator = parsed.locator;
  const ctx: CheckContext = { file, locate: locator };
  if (!options.schema) return { value: parsed.value as T, warnings: parsed.warnings, errors: [] };

  const unknown = options.unknownKeys === 'warn' ? unknownKeyWarnings(parsed.value, options.schema, file, locator) : [];
  const checked = options.schema.safeParse(parsed.value, { reportInput: true });
  if (!checked.success) {
    const issues = checked.error.issues;
    const errors = issues.slice(0, MAX_DIAGNOSTICS).map((issue) => issueToDiagnostic(issue, file, locator));
    if (parsed.value === null || parsed.value === undefined) return emptyDocument(text, errors, parsed.warnings);
    if (issues.length > MAX_DIAGNOSTICS) {
      errors.push({
        code: 'E_SCHEMA',
        severity: 'error',
        file,
        message: `${issues.length - MAX_DIAGNOSTICS} more schema errors not shown`,
        hint: 'fix the errors above first',
      });
    }
    return { warnings: [...parsed.warnings, ...unknown], errors };
  }
  const extra = options.check ? options.check(checked.data, ctx) : [];
  return {
    value: checked.data,
    warnings: [
      ...parsed.warnings,
      ...withoutReported(unknown, extra),
      ...extra.filter((d) => d.severity === 'warning'),
    ],
    errors: extra.filter((d) => d.severity === 'error'),
  };
}

/** A document with no value at all is named as empty, at 1:1, rather than as a null of the wrong type. */
function emptyDocument<T>(text: string, errors: Diagnostic[], warnings: Diagnostic[]): Result<T> {
  const blank = text.split('\n').every((line) => /^\s*(---|\.\.\.)?\s*(#.*)?$/.test(line));
  const [first] = errors;
  if (!blank || errors.length !== 1 || !first || (first.path?.length ?? 0) > 0) return { warnings, errors };
  const message = 'the file is empty: it holds no value, only blank lines or comments';
  const hint = first.expected === 'object' ? 'write the mapping of keys this file holds' : first.hint;
  return { warnings, errors: [{ ...first, line: 1, column: 1, message, hint }] };
}

/** Unknown-key warnings of keys a check already reports (a deprecated field, a legacy alias) are left out. */
function withoutReported(unknown: Diagnostic[], reported: Diagnostic[]): Diagnostic[] {
  if (unknown.length === 0) return unknown;
  const paths = new Set(reported.map((d) => JSON.stringify(d.path ?? [])));
  return unknown.filter((d) => !paths.has(JSON.stringify(d.path)));
}

/** Reads a file and loads it as `loadText` does; a missing or unreadable file is an error diagnostic, not a throw. */
export async function loadFile<T = unknown>(path: string, options: LoadOptions<T> = {}): Promise<Result<T>> {
  const file = options.file ?? path;
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      return fail('E_FILE_READ', file, `not a regular file`, 'pass the path of a file');
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (info.size > maxBytes) {
      return fail(
        'E_TOO_LARGE',
        file,
        `file is ${info.size} bytes, over the ${maxBytes}-byte limit`,
        'raise maxBytes or split the file',
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('E_FILE_NOT_FOUND', file, 'file not found', 'check the path');
    return fail('E_FILE_READ', file, `cannot read file: ${(error as Error).message}`, 'check permissions');
  }
  let text: string;
  try {
    text = decodeUtf8(bytes, file);
  } catch (error) {
    // Not UTF-8: a lossy decoding would validate text that is not the file's.
    const e = error as St3Error;
    return {
      warnings: [],
      errors: [
        { code: e.code, severity: 'error', file, line: e.line, column: e.column, message: e.message, hint: e.hint },
      ],
    };
  }
  return loadText(stripBom(text), { ...options, file });
}

function fail<T>(code: string, file: string, message: string, hint: string): Result<T> {
  return { warnings: [], errors: [{ code, severity: 'error', file, message, hint }] };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function formatFromName(file: string | undefined): DocumentFormat {
  return file && /\.json$/i.test(file) ? 'json' : 'yaml';
}

function parse<T>(text: string, file: string | undefined, format: DocumentFormat, options: LoadOptions<T>): Parsed {
  if (text.length > (options.lowMemoryAbove ?? (format === 'json' ? LARGE_JSON_BYTES : LARGE_YAML_BYTES))) {
    return format === 'json' ? parseLargeJson(text, file) : parseLargeYaml(text, file);
  }
  // JSON is a subset of YAML 1.2, but YAML also accepts what JSON does not (`[1 2]`, trailing commas,
  // comments): a .json file must be JSON, so the strict parser judges it first.
  if (format === 'json') {
    const refused = strictJsonError(text, file);
    if (refused) return refused;
  }
  if (text.length > (options.fastAbove ?? FAST_BYTES) && !ALIAS.test(text)) {
    const fast = parseFast(text, file);
    if (fast) return fast;
  }
  return parseYaml(text, file);
}
