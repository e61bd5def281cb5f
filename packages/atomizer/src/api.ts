import type { Diagnostic, TelemetryHandle } from '@st3/schemas';
import { firstInvalidUtf8, isSt3Error } from '@st3/schemas/errors';
import { analyzeSource, emptyParse, isSkipped, type AnalyzeOptions, type SkippedFile } from './analyze.js';
import { atomizeParsed, type AtomizedFileRecord } from './atomize.js';
import type { AtomOptions } from './atoms/options.js';
import { detectLanguage, looksBinary } from './language.js';
import { decodeDeclared, declaredPythonEncoding } from './source-encoding.js';
import type { FunctionRecord, ParsedFile, SourceLanguage } from './types.js';
import { loadPython } from './python/load.js';
import { measurePython } from './python/measure.js';

export interface AtomizeOptions extends AnalyzeOptions, AtomOptions {
  /** `atomizeSource` reports `atomizer.files{status}`, `atomizer.bytes`, `atomizer.atoms` and `atomizer.parse_ms` here. */
  telemetry?: TelemetryHandle;
}

/** What `st3 complexity` needs of a file: every unit with the peer tool's name and position. */
export interface ComplexityRecord {
  path: string;
  language: string;
  functions: FunctionRecord[];
  diagnostics: Diagnostic[];
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * Bytes → text, or the reason the file is skipped (binary). A Python file is read in the encoding it
 * declares (PEP 263); anything else as UTF-8. Invalid bytes become U+FFFD with a warning at the first one.
 * `language` is the forced language (`--lang`), else it comes from the path (or a `#!` line).
 */
export function decodeSource(
  bytes: Uint8Array,
  path: string,
  language?: SourceLanguage,
): { text: string; warnings: Diagnostic[] } | SkippedFile {
  if (looksBinary(bytes)) {
    return {
      path,
      reason: 'binary file (NUL bytes)',
      diagnostic: {
        code: 'E_ATOMIZE_BINARY',
        severity: 'warning',
        file: path,
        message: 'skipped: binary file (NUL bytes)',
      },
    };
  }
  const declared = isPython(bytes, path, language) ? declaredPythonEncoding(bytes) : undefined;
  const inDeclared = declared && decodeDeclared(bytes, declared, path);
  if (inDeclared) return inDeclared;
  const text = decoder.decode(bytes);
  const warnings: Diagnostic[] = [];
  // Replacement characters may be in the file itself: only a strict decode tells.
  const bad = text.includes('\uFFFD') ? firstInvalidUtf8(bytes) : undefined;
  if (bad) {
    // The column in characters, as every other diagnostic of the file counts it.
    const lineStart = bad.offset - (bad.column - 1);
    const column = decoder.decode(bytes.subarray(lineStart, bad.offset)).length + 1;
    const unsupported = declared ? ` (it declares ${declared.name}, which cannot be decoded here)` : '';
    warnings.push({
      code: 'E_ATOMIZE_SYNTAX',
      severity: 'warning',
      file: path,
      line: bad.line,
      column,
      message: `the file is not valid UTF-8${unsupported}; invalid bytes were read as U+FFFD`,
    });
  }
  return { text, warnings };
}

function isPython(bytes: Uint8Array, path: string, language: SourceLanguage | undefined): boolean {
  if (language) return language === 'python';
  // A `#!` line names the language of a file without a known extension.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 256)).toString('latin1');
  return detectLanguage(path, head) === 'python';
}

/** Parses without throwing on any input: a parser crash (e.g. stack overflow on absurd nesting) becomes a diagnostic. */
export async function parseSafely(
  text: string,
  path: string,
  options: AnalyzeOptions = {},
): Promise<ParsedFile | SkippedFile> {
  try {
    return await analyzeSource(text, path, options);
  } catch (error) {
    if (isSt3Error(error, 'E_ATOMIZE_ENGINE')) throw error;
    const language = options.language ?? detectLanguage(path, text) ?? 'javascript';
    return emptyParse(path, language, text, [
      {
        code: 'E_ATOMIZE_SYNTAX',
        severity: 'warning',
        file: path,
        message: `the parser gave up on this file: ${(error as Error).message}`,
      },
    ]);
  }
}

/**
 * Atomizes one file's text: functions, classes, imports, exports, LOC, complexity and atoms with
 * context and atomicity. Never throws for any text; a file of unknown language is returned as skipped.
 */
export async function atomizeSource(
  text: string,
  path: string,
  options: AtomizeOptions = {},
): Promise<AtomizedFileRecord | SkippedFile> {
  const telemetry = options.telemetry;
  const started = telemetry ? performance.now() : 0;
  const parsed = await parseSafely(text, path, options);
  if (isSkipped(parsed)) {
    telemetry?.count('atomizer.files', 1, { status: 'skipped' });
    return parsed;
  }
  const record = atomizeParsed(parsed, text, options);
  if (telemetry) {
    telemetry.count('atomizer.files', 1, { status: 'parsed' });
    telemetry.count('atomizer.bytes', Buffer.byteLength(text, 'utf8'));
    telemetry.count('atomizer.atoms', record.atoms.length);
    telemetry.observe('atomizer.parse_ms', performance.now() - started);
  }
  return record;
}

/** Complexity of every unit of one file (the fast path of `st3 complexity`: no atoms). */
export async function measureSource(
  text: string,
  path: string,
  options: AnalyzeOptions = {},
): Promise<ComplexityRecord | SkippedFile> {
  const language = options.language ?? detectLanguage(path, text);
  if (language === 'python' && options.complexityVariant !== 'radon') {
    try {
      return { path, language, ...measurePython(await loadPython(), text, path) };
    } catch (error) {
      if (isSt3Error(error, 'E_ATOMIZE_ENGINE')) throw error;
      // fall through to the full parser, which turns any failure into a diagnostic
    }
  }
  const parsed = await parseSafely(text, path, { ...options, lean: true });
  if (isSkipped(parsed)) return parsed;
  return { path, language: parsed.language, functions: parsed.functions, diagnostics: parsed.diagnostics };
}
