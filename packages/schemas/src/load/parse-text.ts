import { CORE_SCHEMA, load as loadYamlFast, YAMLException } from 'js-yaml';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';
import { repeatedJsonKey } from './json-keys.js';
import { jsonErrorPosition, offsetToPosition } from './json-syntax.js';
import type { CheckContext } from './load-document.js';
import { locatePath } from './locate.js';

// The parsers of YAML and JSON text: each gives the value (when it parses), located diagnostics and a
// way to find the position of a path. `loadText` picks one by format and size.

/** Above this size a big JSON file's positions are not found at all (see `parseLargeJson`). */
const LOCATE_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * A valid document read by js-yaml (YAML 1.2 core schema, as the YAML library reads it), with positions on
 * demand. Undefined when js-yaml refuses the text: the YAML library then reports the problem with its hints.
 */
export function parseFast(text: string, file: string | undefined): Parsed | undefined {
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

export interface Parsed {
  value?: unknown;
  warnings: Diagnostic[];
  errors: Diagnostic[];
  locator: CheckContext['locate'];
}

export function parseYaml(text: string, file: string | undefined): Parsed {
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
export function parseLargeYaml(text: string, file: string | undefined): Parsed {
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
export function parseLargeJson(text: string, file: string | undefined): Parsed {
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
export function strictJsonError(text: string, file: string | undefined): Parsed | undefined {
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
