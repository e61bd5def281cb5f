import { blankLines, finalNewline, lineEndings, trailingWhitespace } from './basic.js';
import {
  blankLinesPython,
  blockCommentIndent,
  commentIndentHash,
  commentIndentSlash,
  docstringIndent,
  trailingWhitespacePython,
} from './comments.js';
import { sortImportsPython, sortImportsTs } from './imports.js';
import { blankLinesMarkdown } from './markdown-fences.js';
import { maskProvenance, maskTimestamps, maskVersionHashes } from './masks.js';
import { blankLinesTs, trailingWhitespaceTs } from './template-literals.js';
import { blankLinesYaml, finalNewlineYaml, trailingWhitespaceYaml } from './yaml-blocks.js';
import type { Language, Normalizer } from './types.js';

/** Every built-in rule by name, for configuration (`normalizers: [line-endings, ...]`). */
export const NORMALIZERS: Readonly<Record<string, Normalizer>> = Object.freeze({
  'line-endings': lineEndings,
  'mask-provenance': maskProvenance,
  'mask-timestamps': maskTimestamps,
  'mask-version-hashes': maskVersionHashes,
  'trailing-whitespace': trailingWhitespace,
  'sort-imports-ts': sortImportsTs,
  'sort-imports-python': sortImportsPython,
  'docstring-indent': docstringIndent,
  'comment-indent-slash': commentIndentSlash,
  'comment-indent-hash': commentIndentHash,
  'block-comment-indent': blockCommentIndent,
  'blank-lines': blankLines,
  'trailing-whitespace-python': trailingWhitespacePython,
  'blank-lines-python': blankLinesPython,
  'trailing-whitespace-ts': trailingWhitespaceTs,
  'blank-lines-ts': blankLinesTs,
  'trailing-whitespace-yaml': trailingWhitespaceYaml,
  'blank-lines-yaml': blankLinesYaml,
  'final-newline-yaml': finalNewlineYaml,
  'blank-lines-markdown': blankLinesMarkdown,
  'final-newline': finalNewline,
});

// timestamps before the provenance mask: it learns the generation stamps from the header that one removes
const MASKS = [maskTimestamps, maskProvenance, maskVersionHashes];
const TAIL = [blankLines, finalNewline];

/**
 * The rules chosen for each language. Line endings go first (every other rule splits on LF),
 * masks next (so a timestamp never decides an import's order), layout rules last.
 */
export const PRESETS: Readonly<Record<Language, readonly Normalizer[]>> = Object.freeze({
  // Inside template literals blank lines, trailing spaces and `//` lines are the string's value: the TS rules keep them.
  typescript: [
    lineEndings,
    ...MASKS,
    trailingWhitespaceTs,
    sortImportsTs,
    commentIndentSlash,
    blockCommentIndent,
    blankLinesTs,
    finalNewline,
  ],
  // Inside triple-quoted strings blank lines and trailing spaces are the string's value: the Python rules keep them.
  python: [
    lineEndings,
    ...MASKS,
    trailingWhitespacePython,
    sortImportsPython,
    docstringIndent,
    commentIndentHash,
    blankLinesPython,
    finalNewline,
  ],
  // two trailing spaces are a hard line break in Markdown, so trailing whitespace is kept;
  // blank lines inside fenced code blocks are the code's, so only those outside collapse
  markdown: [lineEndings, ...MASKS, blankLinesMarkdown, finalNewline],
  // comment indentation is not normalized in YAML: a '#' line inside a block scalar is content
  // Blank lines and trailing spaces inside block scalars (`|`, `>`) are the value: the YAML rules keep them,
  // and at the end of the file too (a `|+` scalar keeps its trailing blank lines).
  yaml: [lineEndings, ...MASKS, trailingWhitespaceYaml, blankLinesYaml, finalNewlineYaml],
  json: [lineEndings, ...MASKS, trailingWhitespace, finalNewline],
  text: [lineEndings, ...MASKS, trailingWhitespace, ...TAIL],
});

const EXTENSIONS: Record<string, Language> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'typescript',
  jsx: 'typescript',
  mjs: 'typescript',
  cjs: 'typescript',
  py: 'python',
  pyi: 'python',
  md: 'markdown',
  markdown: 'markdown',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
};

/** The language of a file from its extension (`text` when unknown). */
export function languageOf(path: string): Language {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return 'text';
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()] ?? 'text';
}

/** The rules for a language or a file path. */
export function normalizersFor(languageOrPath: Language | string): readonly Normalizer[] {
  const preset = (PRESETS as Record<string, readonly Normalizer[]>)[languageOrPath];
  return preset ?? PRESETS[languageOf(languageOrPath)];
}

/** Resolves rule names (as written in a suite file) to rules; unknown names are reported. */
export function resolveNormalizers(names: readonly string[]): { normalizers: Normalizer[]; unknown: string[] } {
  const normalizers: Normalizer[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const rule = NORMALIZERS[name];
    if (rule) normalizers.push(rule);
    else unknown.push(name);
  }
  return { normalizers, unknown };
}

const MAX_ROUNDS = 4;

/**
 * Applies the rules in order, repeating until nothing changes (composed rules can expose work for
 * an earlier rule), and reports which rules changed the text. Never throws.
 */
export function normalize(text: string, normalizers: readonly Normalizer[]): { text: string; applied: string[] } {
  const applied = new Set<string>();
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = current;
    for (const rule of normalizers) {
      const next = safeApply(rule, current);
      if (next !== current) applied.add(rule.name);
      current = next;
    }
    if (current === before) break;
  }
  return { text: current, applied: [...applied] };
}

function safeApply(rule: Normalizer, text: string): string {
  try {
    return rule.apply(text);
  } catch {
    // a rule that cannot handle an input leaves it as it is: a missed equivalence, never a crash
    return text;
  }
}
