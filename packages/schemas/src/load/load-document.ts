import { readFile, stat } from 'node:fs/promises';
import { CORE_SCHEMA, load as loadYamlFast, YAMLException } from 'js-yaml';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic, Result } from '../errors/diagnostic.js';
import { repeatedJsonKey } from './json-keys.js';
import { jsonErrorPosition, offsetToPosition } from './json-syntax.js';
import { locatePath, type Position } from './locate.js';
import type { St3Error } from '../errors/st3-error.js';
import { withoutNegativeZero } from './negative-zero.js';
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
const LOCATE_LIMIT_BYTES = 16 * 1024 * 1024;
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

/**
 * A valid document read by js-yaml (YAML 1.2 core schema, as the YAML library reads it), with positions on
 * demand. Undefined when js-yaml refuses the text: the YAML library then reports the problem with its hints.
 */
function parseFast(text: string, file: string | undefined): Parsed | undefined {
  let value: unknown;
  try {
    value = loadYamlFast(text, { filename: file, schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  let cached: CheckContext['locate'] | undefined;
  const locator: CheckContext['locate'] = (path, options) => {
    if (!cached) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
      cached = (p, o) => locatePath(doc, lineCounter, p, o);
    }
    return cached(path, options);
  };
  return { value, errors: [], warnings: [], locator };
}

interface Parsed {
  value?: unknown;
  warnings: Diagnostic[];
  errors: Diagnostic[];
  locator: CheckContext['locate'];
}

function parseYaml(text: string, file: string | undefined): Parsed {
  const lineCounter = new LineCounter();
  // The library's own duplicate-key check compares every key with every earlier one (quadratic: 100,000 keys
  // took 79 s); duplicateKeys() below does the same check with one Set per mapping.
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const toDiag =
    (severity: 'error' | 'warning') =>
    (e: {
      message: string;
      code: string;
      linePos?: [{ line: number; col: number }, ...unknown[]];
      pos: [number, number];
    }): Diagnostic => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      return {
        code: severity === 'error' ? 'E_PARSE' : 'W_PARSE',
        severity,
        file,
        line: pos.line,
        column: pos.col,
        message: firstLine(e.message),
        hint: yamlHint(e.code),
      };
    };
  const errors = doc.errors.map(toDiag('error'));
  const warnings = doc.warnings.map(toDiag('warning'));
  const locator: CheckContext['locate'] = (path, options) => locatePath(doc, lineCounter, path, options);
  if (errors.length === 0) errors.push(...duplicateKeys(doc, lineCounter, file));
  if (errors.length === 0) {
    visit(doc, {
      Alias(_key, alias) {
        if (alias.resolve(doc) !== undefined) return;
        const pos = lineCounter.linePos(alias.range?.[0] ?? 0);
        errors.push({
          code: 'E_PARSE',
          severity: 'error',
          file,
          line: pos.line,
          column: pos.col,
          message: `alias *${alias.source} refers to no anchor`,
          hint: yamlHint('BAD_ALIAS'),
        });
      },
    });
  }
  if (errors.length > 0) return { errors, warnings, locator };
  try {
    const value = doc.toJS({ maxAliasCount: 1000 });
    return { value, errors, warnings, locator };
  } catch (error) {
    return {
      errors: [
        {
          code: 'E_PARSE',
          severity: 'error',
          file,
          line: 1,
          column: 1,
          message: (error as Error).message,
          hint: 'aliases that expand too much (a "billion laughs" document) are refused',
        },
      ],
      warnings,
      locator,
    };
  }
}

/**
 * Keys that appear twice in one mapping, at the repeated key. Scalar keys are equal when they name the same
 * property of the object the mapping becomes (`1` and `"1"` both name "1": one would silently replace the
 * other; js-yaml, which reads big files, refuses them too); collection keys are never equal to each other.
 */
function duplicateKeys(doc: Document, lineCounter: LineCounter, file: string | undefined): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value: unknown = pair.key.value;
        const identity = value === null ? '' : String(value);
        if (!seen.has(identity)) {
          seen.add(identity);
          continue;
        }
        const pos = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        found.push({
          code: 'E_PARSE',
          severity: 'error',
          file,
          line: pos.line,
          column: pos.col,
          message: `Map keys must be unique: "${String(value)}" appears more than once`,
          hint: yamlHint('DUPLICATE_KEY'),
        });
      }
    },
  });
  return found;
}

/** Big YAML: js-yaml (duplicate keys are still errors); positions of values are not available. */
function parseLargeYaml(text: string, file: string | undefined): Parsed {
  const locator: CheckContext['locate'] = () => undefined;
  try {
    return { value: loadYamlFast(text, { filename: file, schema: CORE_SCHEMA }), errors: [], warnings: [], locator };
  } catch (error) {
    const mark = error instanceof YAMLException ? error.mark : undefined;
    const reason = error instanceof YAMLException ? error.reason : (error as Error).message;
    return {
      errors: [
        {
          code: 'E_PARSE',
          severity: 'error',
          file,
          line: mark ? mark.line + 1 : 1,
          column: mark ? mark.column + 1 : 1,
          message: reason,
        },
      ],
      warnings: [],
      locator,
    };
  }
}

/** Big JSON: `JSON.parse` for speed and memory; the YAML CST is built only if a position is asked for. */
function parseLargeJson(text: string, file: string | undefined): Parsed {
  let cached: CheckContext['locate'] | undefined;
  const locator: CheckContext['locate'] = (path, options) => {
    // A YAML document of a very big file costs ~100 bytes of memory per input byte: give up positions instead.
    if (text.length > LOCATE_LIMIT_BYTES) return undefined;
    if (!cached) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter });
      cached = (p, o) => locatePath(doc, lineCounter, p, o);
    }
    return cached(path, options);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const pos = jsonErrorPosition(text, message);
    return { errors: [{ code: 'E_PARSE', severity: 'error', file, ...pos, message }], warnings: [], locator };
  }
  // JSON.parse keeps the last value of a repeated key; smaller JSON is read by the YAML path, which reports it.
  const repeated = repeatedJsonKey(text);
  if (repeated) {
    const error: Diagnostic = {
      code: 'E_PARSE',
      severity: 'error',
      file,
      ...offsetToPosition(text, repeated.offset),
      message: `Map keys must be unique: "${repeated.key}" appears more than once`,
      hint: yamlHint('DUPLICATE_KEY'),
    };
    return { errors: [error], warnings: [], locator };
  }
  return { value, errors: [], warnings: [], locator };
}

/** The located E_PARSE of text that is not JSON (undefined when it is). */
function strictJsonError(text: string, file: string | undefined): Parsed | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const pos = jsonErrorPosition(text, message);
    return {
      errors: [
        {
          code: 'E_PARSE',
          severity: 'error',
          file,
          ...pos,
          message: `not valid JSON: ${message}`,
          hint: 'a .json file must be strict JSON (no comments, trailing commas or YAML syntax)',
        },
      ],
      warnings: [],
      locator: () => undefined,
    };
  }
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; remove or rename the duplicate';
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces, not tabs';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and punctuation on this line and the one before';
    case 'BAD_ALIAS':
      return 'an alias (*name) must refer to an anchor (&name) defined earlier';
    default:
      return undefined;
  }
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i === -1 ? message : message.slice(0, i);
}
