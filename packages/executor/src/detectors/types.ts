import type { CodeIssue } from '@st3/schemas';

export type CodeLanguage = 'python' | 'typescript' | 'javascript' | 'other';

/** Syntax check of a piece of code (the review queue re-validates edits with it). */
export interface SyntaxCheck {
  ok: boolean;
  /** `line:column message` of each problem. */
  errors: string[];
}

export type { CodeIssue };

/** The source line `line` (1-based) of `code`. */
export function lineOf(code: string, line: number): string {
  return code.split('\n')[line - 1] ?? '';
}
