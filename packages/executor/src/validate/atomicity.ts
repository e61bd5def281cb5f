import type { AtomizedFileRecord, AtomRecord } from '@st3/atomizer';
import type { ChangeValidation } from '@st3/schemas';
import { atomsIn } from '../agents/atom-context.js';

/** The atomizer's defaults (atoms of ≤ 15 lines, complexity < 3); twice either is "no longer an atom". */
export const ATOM_LIMITS = { maxLoc: 15, maxComplexity: 3 } as const;

/** Source lines and cyclomatic complexity of a run of atoms taken as one unit. */
function measure(atoms: readonly AtomRecord[]): { loc: number; complexity: number } {
  const loc = atoms.reduce((n, a) => n + a.loc, 0);
  // Each atom counts 1 + its decisions; as one unit the decisions add up on a single base.
  const complexity = 1 + atoms.reduce((n, a) => n + Math.max(0, a.complexity - 1), 0);
  return { loc, complexity };
}

export interface AtomicityVerdict {
  report: NonNullable<ChangeValidation['atomicity']>;
  /** Why the change is no longer an atom (empty when it still is one). */
  problems: string[];
  /** Complexity of the new code taken as one unit. */
  complexity?: number;
}

/**
 * Is what replaced the atom still an atom? The new lines are measured as one unit: more than twice
 * the atom size or complexity limits fails (unless the replaced code was already past that limit);
 * anything less is recorded, and the lowest atomicity score of the new atoms feeds the confidence.
 */
export function judgeAtomicity(
  before: AtomizedFileRecord | undefined,
  after: AtomizedFileRecord | undefined,
  range: { start: number; end: number; newEnd: number },
  limits: { maxLoc: number; maxComplexity: number } = ATOM_LIMITS,
): AtomicityVerdict {
  const newAtoms = atomsIn(after, range.start, Math.max(range.start, range.newEnd));
  const oldAtoms = atomsIn(before, range.start, range.end);
  const now = measure(newAtoms);
  const was = measure(oldAtoms);
  const problems: string[] = [];
  if (now.loc > 2 * limits.maxLoc && now.loc > was.loc)
    problems.push(`${now.loc} source lines (an atom has at most ${limits.maxLoc}; the code replaced had ${was.loc})`);
  if (now.complexity > 2 * limits.maxComplexity && now.complexity > was.complexity)
    problems.push(
      `cyclomatic complexity ${now.complexity} (an atom stays below ${limits.maxComplexity}; the code replaced had ${was.complexity})`,
    );
  const score = newAtoms.length > 0 ? Math.min(...newAtoms.map((a) => a.atomicity.score)) : 1;
  const scoreBefore = oldAtoms.length > 0 ? Math.min(...oldAtoms.map((a) => a.atomicity.score)) : undefined;
  return {
    report: {
      ok: problems.length === 0,
      score,
      ...(scoreBefore !== undefined ? { before: scoreBefore } : {}),
      violations: [
        ...problems,
        ...newAtoms.flatMap((a) =>
          a.atomicity.violations.map((v) => `${a.startLine}-${a.endLine} ${v.criterion}: ${v.message}`),
        ),
      ],
    },
    problems,
    ...(newAtoms.length > 0 ? { complexity: now.complexity } : {}),
  };
}
