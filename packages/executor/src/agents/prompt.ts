import type { ErrorCategory } from '@st3/schemas';
import type { ChatMessage } from './types.js';

export interface PromptInput {
  /** What to do (from --instruction or the task file). */
  instruction: string;
  /** The atom's file, relative to the workspace root. */
  file: string;
  language: string;
  /** The atom's lines in the file as it is now. */
  startLine: number;
  endLine: number;
  /** The atom's current code (those lines). */
  code: string;
  /** The atom's standalone context, rendered as Markdown (see atom-context.ts). */
  context?: string;
  /** A reviewer's note on an earlier version of this atom (reject / regenerate). */
  reviewerFeedback?: string;
  /** The failed attempt before this one. */
  previous?: { answer?: string; category: ErrorCategory; message: string; guidance?: string };
}

const FENCE_LANGUAGE: Record<string, string> = {
  typescript: 'ts',
  tsx: 'tsx',
  javascript: 'js',
  jsx: 'jsx',
  python: 'python',
};

export function fenceLanguage(language: string): string {
  return FENCE_LANGUAGE[language] ?? '';
}

/** The system message: what the agent must return (the answer parser accepts exactly this). */
export function systemPrompt(file: string, language: string, start: number, end: number): string {
  const lang = fenceLanguage(language);
  return [
    'You are a careful software engineer. You change one small unit of code (an atom) at a time.',
    `Answer with exactly one of:`,
    `1. one fenced code block (\`\`\`${lang} … \`\`\`) holding the new code that replaces lines ${start}-${end} of ${file} — the whole atom, with its original indentation; or`,
    `2. one unified diff against ${file} (\`--- a/${file}\`, \`+++ b/${file}\`, \`@@\` hunks) when the change must also touch other lines, such as an import.`,
    'Keep the signatures other code relies on. Do not add explanations outside the block; put notes in code comments if needed.',
  ].join('\n');
}

/** The messages of one attempt: system text, then the instruction, context, code and any feedback. */
export function buildPrompt(input: PromptInput): ChatMessage[] {
  const lang = fenceLanguage(input.language);
  const parts: string[] = [`## Instruction\n\n${input.instruction.trim()}`];
  if (input.context && input.context.trim() !== '') parts.push(`## Context of the atom\n\n${input.context.trim()}`);
  parts.push(`## The atom: ${input.file} lines ${input.startLine}-${input.endLine}\n\n${fenced(input.code, lang)}`);
  if (input.reviewerFeedback && input.reviewerFeedback.trim() !== '')
    parts.push(`## Reviewer feedback on an earlier version\n\n${input.reviewerFeedback.trim()}`);
  if (input.previous) {
    const p = input.previous;
    const answer =
      p.answer !== undefined ? `Your previous answer was:\n\n${fenced(p.answer)}\n\n` : 'Your previous attempt ';
    parts.push(
      `## Your previous attempt failed (${p.category})\n\n${answer}It failed with a ${p.category} error:\n\n${fenced(p.message)}${p.guidance ? `\n\n${p.guidance}` : ''}\n\nFix that and answer again in the format the system message asks for.`,
    );
  }
  return [
    { role: 'system', content: systemPrompt(input.file, input.language, input.startLine, input.endLine) },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** Text inside a fence long enough not to be closed by backticks in the text itself. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}
