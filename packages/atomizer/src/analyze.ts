import type { Diagnostic } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { detectLanguage, isSupportedLanguage } from './language.js';
import { LineIndex, countLines } from './lines.js';
import { EventLog } from './events.js';
import type { ComplexityVariant, ParsedFile, SourceLanguage } from './types.js';
import { loadTypeScript } from './ts/load.js';
import { loadPython } from './python/load.js';
import { parseTypeScriptSource } from './ts/engine.js';
import { parsePythonSource } from './python/engine.js';

export interface AnalyzeOptions {
  /** Force a language instead of detecting it from the extension or shebang. */
  language?: SourceLanguage;
  /** Counting variant; JS/TS variants apply to JS/TS, mccabe/radon to Python. Defaults: eslint, mccabe. */
  complexityVariant?: ComplexityVariant;
  /** Functions and complexity only (no LOC classes, symbols or statements): what `st3 complexity` needs. */
  lean?: boolean;
}

/** Why a file was not analysed. */
export interface SkippedFile {
  path: string;
  reason: string;
  diagnostic: Diagnostic;
}

export function checkVariant(variant: string | undefined): ComplexityVariant | undefined {
  if (variant === undefined) return undefined;
  if (['eslint', 'modified', 'classic', 'mccabe', 'radon'].includes(variant)) return variant as ComplexityVariant;
  throw new St3Error('E_ATOMIZE_OPTIONS', `unknown complexity variant "${variant}"`, {
    hint: 'use eslint, modified or classic (JS/TS), mccabe or radon (Python)',
  });
}

function variantFor(language: SourceLanguage, variant: ComplexityVariant | undefined): ComplexityVariant {
  if (language === 'python') return variant === 'radon' ? 'radon' : 'mccabe';
  return variant === 'modified' || variant === 'classic' ? variant : 'eslint';
}

/** Text → parsed file. Never throws for any input text: syntax errors come back as diagnostics. */
export async function analyzeSource(
  text: string,
  path: string,
  options: AnalyzeOptions = {},
): Promise<ParsedFile | SkippedFile> {
  const language = options.language ?? detectLanguage(path, text);
  if (!language || !isSupportedLanguage(language)) {
    const reason = 'unknown language (no known extension or shebang)';
    return {
      path,
      reason,
      diagnostic: { code: 'E_ATOMIZE_LANGUAGE', severity: 'warning', file: path, message: `skipped: ${reason}` },
    };
  }
  const variant = variantFor(language, options.complexityVariant);
  if (language === 'python') return parsePythonSource(await loadPython(), text, path, variant);
  return parseTypeScriptSource(await loadTypeScript(), text, path, language, variant, options.lean === true);
}

/** An empty parse result, for files that cannot be parsed at all. */
export function emptyParse(
  path: string,
  language: SourceLanguage,
  text: string,
  diagnostics: Diagnostic[],
): ParsedFile {
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  return {
    path,
    language,
    lines: countLines(index, isSource),
    isSource,
    functions: [],
    classes: [],
    imports: [],
    exports: [],
    types: [],
    statements: [],
    log: new EventLog(),
    diagnostics,
  };
}

export function isSkipped(r: ParsedFile | SkippedFile): r is SkippedFile {
  return 'reason' in r;
}
