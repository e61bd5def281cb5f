import { createTwoFilesPatch } from 'diff';
import type { Normalizer } from './normalize/types.js';
import { compareOutputs, describeVerdict, type Verdict } from './verdict.js';

/** One output path of a case, compared across the two sides. */
export interface FileComparison {
  path: string;
  verdict: Verdict;
  /** Set when only one side wrote this path: that side (the verdict is then always `different`). */
  onlyIn?: 'left' | 'right';
}

/** What one side rendered, under its label. */
export interface RenderedSide {
  label: string;
  files: readonly { path: string; content: string }[];
}

/**
 * Every path either side wrote, compared. A path only one side writes is a difference whatever its
 * content: an empty `__init__.py` that v2 no longer writes is a lost file, not an empty one.
 */
export function compareRenderedFiles(
  left: RenderedSide,
  right: RenderedSide,
  normalizers: readonly Normalizer[] | undefined,
): FileComparison[] {
  const l = new Map(left.files.map((f) => [f.path, f.content]));
  const r = new Map(right.files.map((f) => [f.path, f.content]));
  const paths = [...new Set([...l.keys(), ...r.keys()])].sort();
  return paths.map((path) => {
    const labels: [string, string] = [`${left.label}/${path}`, `${right.label}/${path}`];
    const a = l.get(path);
    const b = r.get(path);
    if (a === undefined || b === undefined) return onlyOneSide(path, a, b, labels);
    return { path, verdict: compareOutputs(a, b, { path, normalizers, labels }) };
  });
}

function onlyOneSide(
  path: string,
  left: string | undefined,
  right: string | undefined,
  labels: [string, string],
): FileComparison {
  const onlyIn = left === undefined ? 'right' : 'left';
  const content = left ?? right ?? '';
  const diff = createTwoFilesPatch(
    left === undefined ? '/dev/null' : labels[0],
    right === undefined ? '/dev/null' : labels[1],
    left ?? '',
    right ?? '',
  );
  const firstLine = content.split('\n')[0];
  return {
    path,
    onlyIn,
    verdict: {
      kind: 'different',
      rules: [],
      diff,
      firstDifference: { line: 1, ...(onlyIn === 'left' ? { left: firstLine } : { right: firstLine }) },
    },
  };
}

/** `src/x.ts: different at line 3: …`, or `pkg/__init__.py: only v1 writes it` for a path one side lacks. */
export function describeFileComparison(f: FileComparison, labels: readonly [string, string]): string {
  if (f.onlyIn) return `${f.path}: only ${f.onlyIn === 'left' ? labels[0] : labels[1]} writes it`;
  return `${f.path}: ${describeVerdict(f.verdict)}`;
}
