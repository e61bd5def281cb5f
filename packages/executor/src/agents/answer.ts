import { applyPatch, parsePatch } from 'diff';
import { St3Error } from '@st3/schemas';
import { applyHunks, diffHunks } from '../change/hunks.js';
import { replaceLines, splitLines } from '../change/text.js';
import { fenceLanguage } from './prompt.js';

export interface AnswerTarget {
  file: string;
  language: string;
  /** The file as the agent saw it. */
  text: string;
  startLine: number;
  endLine: number;
}

export interface ParsedAnswer {
  kind: 'block' | 'diff';
  /** The whole file after the change. */
  text: string;
  /**
   * The code that replaces the atom's lines: the block's (re-indented when the agent dropped the
   * atom's indentation), or a diff's new lines of the atom (a diff may change nothing else).
   */
  code?: string;
  reindented?: boolean;
}

const FENCE = /^(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
const DIFF_LANGS = new Set(['diff', 'patch', 'udiff']);
/** Fence languages that name the same language as ours. */
const ALIASES: Record<string, string[]> = {
  ts: ['ts', 'typescript', 'tsx', 'mts', 'cts'],
  tsx: ['tsx', 'ts', 'typescript'],
  js: ['js', 'javascript', 'jsx', 'mjs', 'cjs'],
  jsx: ['jsx', 'js', 'javascript'],
  python: ['python', 'py', 'python3'],
};

/** An answer that is not in the expected format: category `context`, with what was expected. */
export function answerError(message: string, target: AnswerTarget): St3Error {
  const lang = fenceLanguage(target.language);
  return Object.assign(
    new St3Error(
      'E_AGENT_ANSWER',
      `${message}. Expected exactly one fenced code block (\`\`\`${lang} … \`\`\`) replacing lines ${target.startLine}-${target.endLine} of ${target.file}, or a unified diff against ${target.file}.`,
    ),
    { category: 'context' as const },
  );
}

/** Drops the reasoning some local models print before answering (`<think>…</think>`). */
function withoutReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, '').replace(/^[\s\S]*<\/think>/, '');
}

/**
 * Turns an agent's answer into the new file text: a fenced code block replaces the atom's lines; a
 * unified diff (bare or in a ```diff block) is applied to the file. Anything else throws
 * E_AGENT_ANSWER with category `context`, so the retry's feedback says what was expected.
 */
export function parseAnswer(answer: string, target: AnswerTarget): ParsedAnswer {
  const text = withoutReasoning(answer)
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n');
  const blocks = [...text.matchAll(FENCE)].map((m) => ({ lang: m[2]!.toLowerCase(), body: m[3]! }));
  const diffBlock = blocks.find((b) => DIFF_LANGS.has(b.lang) || looksLikeDiff(b.body));
  if (diffBlock) return applyDiff(diffBlock.body, target);
  if (blocks.length === 0 && looksLikeDiff(text)) return applyDiff(text, target);
  if (blocks.length === 0) {
    throw answerError(
      text.trim() === '' ? 'The answer was empty' : 'The answer had no fenced code block and no unified diff',
      target,
    );
  }
  const code = chooseBlock(blocks, target);
  if (code.trim() === '') throw answerError('The code block was empty', target);
  const { code: indented, reindented } = reindent(code, target);
  return {
    kind: 'block',
    text: replaceLines(target.text, target.startLine, target.endLine, indented),
    code: indented,
    ...(reindented ? { reindented } : {}),
  };
}

/**
 * The block that replaces the atom: the one in the file's language, else the one without a language,
 * else the first. Two different blocks of the chosen kind (the atom as it was and as it is now, two
 * versions to pick from) leave which one replaces the atom to a guess — taking the first would apply
 * the original code as "unchanged", or an alternative the agent rejected — so that is a failed attempt.
 */
function chooseBlock(blocks: readonly { lang: string; body: string }[], target: AnswerTarget): string {
  const lang = fenceLanguage(target.language);
  const wanted = ALIASES[lang] ?? [lang];
  const inLanguage = blocks.filter((b) => wanted.includes(b.lang));
  const unlabelled = blocks.filter((b) => b.lang === '');
  const tier = inLanguage.length > 0 ? inLanguage : unlabelled.length > 0 ? unlabelled : [blocks[0]!];
  const distinct = new Set(tier.map((b) => b.body.trim()));
  if (distinct.size > 1)
    throw answerError(
      `The answer had ${distinct.size} different ${inLanguage.length > 0 ? `\`\`\`${lang}` : 'unlabelled'} code blocks, so which one replaces the atom is a guess; give only the new code of the atom`,
      target,
    );
  return tier[0]!.body;
}

function looksLikeDiff(text: string): boolean {
  return /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m.test(text) && /^(---|\+\+\+) /m.test(text);
}

function applyDiff(patchText: string, target: AnswerTarget): ParsedAnswer {
  let patches;
  try {
    patches = parsePatch(patchText.endsWith('\n') ? patchText : `${patchText}\n`);
  } catch (error) {
    throw answerError(`The diff could not be read (${(error as Error).message})`, target);
  }
  const files = patches.filter((p) => p.hunks.length > 0);
  if (files.length !== 1) {
    throw answerError(
      files.length === 0
        ? 'The diff has no hunks'
        : `The diff changes ${files.length} files; change only ${target.file}`,
      target,
    );
  }
  const patch = files[0]!;
  const named = (patch.newFileName ?? patch.oldFileName ?? '').replace(/^[ab]\//, '');
  if (named && named !== '/dev/null' && !target.file.endsWith(named) && !named.endsWith(target.file))
    throw answerError(`The diff is for ${named}, not ${target.file}`, target);
  const out = applyPatch(target.text, patch, { fuzzFactor: 1 });
  if (out === false) {
    const first = patch.hunks[0]!;
    throw answerError(
      `The diff does not apply to ${target.file} as it is now (hunk at line ${first.oldStart} does not match its lines)`,
      target,
    );
  }
  return confined(out, target);
}

/**
 * The diff's result when it changes only the atom's lines: the lines before the atom and after it are
 * as they were, so the change is exactly "the atom's lines become `code`" (what is validated, scored and
 * rebased). A diff that also rewrites other code would have it applied unreviewed under the atom's
 * confidence, so it is refused, naming the lines outside the atom it changes.
 */
function confined(out: string, target: AnswerTarget): ParsedAnswer {
  const before = splitLines(target.text);
  const after = splitLines(out);
  const head = target.startLine - 1;
  const tail = before.length - target.endLine;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((l, i) => l === b[i]);
  if (
    after.length >= head + tail &&
    same(after.slice(0, head), before.slice(0, head)) &&
    same(after.slice(after.length - tail), before.slice(target.endLine))
  ) {
    const lines = after.slice(head, after.length - tail);
    // Exactly the file the edit writes (the hunk holds the lines themselves: a code string cannot tell
    // one blank line from none; the file's final newline is kept as it was).
    const text = applyHunks(target.text, [{ start: head, end: target.endLine, lines }]);
    return { kind: 'diff', text, code: lines.join('\n') };
  }
  const outside = diffHunks(target.text, out)
    .filter((h) => h.start < head || h.end > target.endLine)
    .map((h) =>
      h.end > h.start
        ? h.end - h.start > 1
          ? `${h.start + 1}-${h.end}`
          : `${h.end}`
        : h.start === 0
          ? 'before 1'
          : `after ${h.start}`,
    );
  throw answerError(
    `The diff changes ${target.file} outside the atom: line(s) ${outside.join(', ') || '?'} (the atom is lines ${target.startLine}-${target.endLine}); change only the atom's lines`,
    target,
  );
}

/**
 * Agents often return a method without its class indentation. When every line of the block is
 * indented less than the atom's first line, the block is shifted right by the difference.
 */
function reindent(code: string, target: AnswerTarget): { code: string; reindented: boolean } {
  const lines = splitLines(code);
  const original = splitLines(target.text).slice(target.startLine - 1, target.endLine);
  const indentOf = (l: string) => /^[ \t]*/.exec(l)![0];
  const firstOriginal = original.find((l) => l.trim() !== '');
  const firstNew = lines.find((l) => l.trim() !== '');
  if (!firstOriginal || !firstNew) return { code, reindented: false };
  const want = indentOf(firstOriginal);
  const have = indentOf(firstNew);
  if (want.length <= have.length || !want.startsWith(have)) return { code, reindented: false };
  const extra = want.slice(have.length);
  return { code: lines.map((l) => (l.trim() === '' ? l : extra + l)).join('\n'), reindented: true };
}
