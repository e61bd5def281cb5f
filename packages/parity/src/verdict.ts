import { createTwoFilesPatch } from 'diff';
import { normalize, normalizersFor } from './normalize/presets.js';
import type { Language, Normalizer } from './normalize/types.js';

/** Where two normalized texts first part ways (1-based line; `undefined` side = past its end). */
export interface FirstDifference {
  line: number;
  left?: string;
  right?: string;
}

export type Verdict =
  | { kind: 'identical' }
  /** Equal once these rules ran on both sides; `rules` are only the ones that were needed. */
  | { kind: 'equivalent'; rules: string[] }
  | {
      kind: 'different';
      rules: string[];
      diff: string;
      firstDifference: FirstDifference;
      /** Set when a side is not UTF-8 text: compared byte for byte, `offset` the first byte that differs. */
      binary?: { offset: number };
    };

export interface CompareOptions {
  /** Picks the rule preset; default from `path`'s extension, else `text`. */
  language?: Language;
  /** Used for the preset and the diff header. */
  path?: string;
  /** Explicit rules (replace the preset). */
  normalizers?: readonly Normalizer[];
  /** Diff labels (default `left`/`right` with the path). */
  labels?: [string, string];
  /** Lines of context in the unified diff (default 3). */
  context?: number;
  /**
   * Milliseconds the unified diff may take (default 5000). Two large, very different texts make it
   * quadratic (minutes for 100k lines); past this the verdict is still `different`, with a note instead.
   */
  diffTimeoutMs?: number;
}

export const DEFAULT_DIFF_TIMEOUT_MS = 5000;

/**
 * Compares two renderings: identical bytes, equivalent after normalization (naming only the rules
 * that were needed), or different (a unified diff of the normalized texts and the first differing
 * line).
 */
export function compareOutputs(left: string, right: string, options: CompareOptions = {}): Verdict {
  if (left === right) return { kind: 'identical' };
  const rules = options.normalizers ?? normalizersFor(options.language ?? options.path ?? 'text');
  const a = normalize(left, rules);
  const b = normalize(right, rules);
  const used = rules.filter((r) => a.applied.includes(r.name) || b.applied.includes(r.name));
  if (a.text === b.text) return { kind: 'equivalent', rules: neededRules(left, right, used) };
  const path = options.path ?? 'output';
  const [leftLabel, rightLabel] = options.labels ?? [`left/${path}`, `right/${path}`];
  const first = firstDifference(a.text, b.text);
  const timeout = options.diffTimeoutMs ?? DEFAULT_DIFF_TIMEOUT_MS;
  const diff =
    createTwoFilesPatch(leftLabel, rightLabel, a.text, b.text, undefined, undefined, {
      context: options.context ?? 3,
      timeout,
    }) ??
    `--- ${leftLabel}\n+++ ${rightLabel}\n# the texts differ from line ${first.line}; the full diff took longer than ${timeout} ms and was not computed\n`;
  return { kind: 'different', rules: used.map((r) => r.name), diff, firstDifference: first };
}

/**
 * Drops each used rule in turn and keeps it only when the texts stop being equal without it, so the
 * verdict names a small set of rules that explains the equivalence on its own.
 */
function neededRules(left: string, right: string, used: readonly Normalizer[]): string[] {
  // one rule that made them equal is needed by definition: without it nothing changes either text
  if (used.length <= 1) return used.map((r) => r.name);
  const equalWith = (rules: readonly Normalizer[]) => normalize(left, rules).text === normalize(right, rules).text;
  if (!equalWith(used)) return used.map((r) => r.name);
  let kept = [...used];
  for (const rule of used) {
    const without = kept.filter((r) => r !== rule);
    if (equalWith(without)) kept = without;
  }
  return kept.map((r) => r.name);
}

export function firstDifference(left: string, right: string): FirstDifference {
  const a = left.split('\n');
  const b = right.split('\n');
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return { line: i + 1, left: a[i], right: b[i] };
  }
  return { line: n };
}

/** One-line description of a verdict for human reports. */
export function describeVerdict(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'identical':
      return 'identical';
    case 'equivalent':
      return `equivalent after ${verdict.rules.join(', ')}`;
    case 'different': {
      const d = verdict.firstDifference;
      if (verdict.binary)
        return `different bytes from offset ${verdict.binary.offset} (line ${d.line}): not UTF-8 text`;
      return `different at line ${d.line}: ${JSON.stringify(d.left ?? '<end of file>')} vs ${JSON.stringify(d.right ?? '<end of file>')}`;
    }
  }
}
