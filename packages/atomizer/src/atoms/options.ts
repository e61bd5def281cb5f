import { St3Error } from '@st3/schemas/errors';

/** Decomposition limits (lines are source lines: see LineCounts). */
export interface AtomOptions {
  /** Small sibling atoms are merged up to this many source lines. Default 10. */
  targetLoc?: number;
  /** An atom longer than this is split further when it can be. Default 15. */
  maxLoc?: number;
  /** An atom is atomic below this complexity; at or above it, it is split when it can be. Default 3. */
  maxComplexity?: number;
}

export type ResolvedAtomOptions = Required<AtomOptions>;

export function resolveAtomOptions(options: AtomOptions = {}): ResolvedAtomOptions {
  const r = {
    targetLoc: options.targetLoc ?? 10,
    maxLoc: options.maxLoc ?? 15,
    maxComplexity: options.maxComplexity ?? 3,
  };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isInteger(v) || v < 1)
      throw new St3Error('E_ATOMIZE_OPTIONS', `${k} must be a positive integer, got ${String(v)}`);
  }
  if (r.targetLoc > r.maxLoc)
    throw new St3Error('E_ATOMIZE_OPTIONS', `targetLoc (${r.targetLoc}) must not exceed maxLoc (${r.maxLoc})`, {
      hint: 'raise --max-loc or lower --target-loc',
    });
  return r;
}
