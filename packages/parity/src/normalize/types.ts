/**
 * One normalization rule: a pure, idempotent text transformation that removes a difference
 * which carries no meaning (for the language it is chosen for). Rules never throw.
 */
export interface Normalizer {
  /** Stable id, listed in verdicts ("equivalent after: line-endings, sort-imports-ts"). */
  name: string;
  /** What the rule does, in words. */
  description: string;
  apply(text: string): string;
}

/** The languages that have a preset of rules. */
export type Language = 'typescript' | 'python' | 'markdown' | 'yaml' | 'json' | 'text';
