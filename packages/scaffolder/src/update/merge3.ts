import { diff3Merge } from 'node-diff3';

/** One region both sides changed differently. Line numbers are 1-based, in the merged text and in base. */
export interface MergeConflict {
  /** Where the region starts in the merged output (the `<<<<<<<` line with markers, else your text). */
  line: number;
  ours: string[];
  base: string[];
  theirs: string[];
  /** 1-based line of the region in base. */
  baseLine: number;
}

export interface MergeResult {
  /** The merged text: conflicts as markers, or (keepOurs) with your text kept in each conflicting region. */
  text: string;
  conflicts: MergeConflict[];
}

export interface MergeOptions {
  /** Labels after `<<<<<<<` and `>>>>>>>` (default `ours` and `theirs`). */
  labels?: { ours?: string; theirs?: string };
  /** Keep your text in conflicting regions instead of writing markers (for `--reject`). */
  keepOurs?: boolean;
}

/**
 * A line-based 3-way merge (diff3, via node-diff3): changes only one side made are taken, changes
 * both sides made identically are taken once, and regions both changed differently are conflicts.
 * So merge(base, base, theirs) = theirs, merge(base, ours, base) = ours, and edits to disjoint
 * regions (at least one unchanged line apart) merge cleanly; the properties are tested.
 */
export function mergeThreeWay(base: string, ours: string, theirs: string, options: MergeOptions = {}): MergeResult {
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  const labels = { ours: options.labels?.ours ?? 'ours', theirs: options.labels?.theirs ?? 'theirs' };
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    const c = region.conflict!;
    conflicts.push({ line: out.length + 1, ours: c.a, base: c.o, theirs: c.b, baseLine: c.oIndex + 1 });
    if (options.keepOurs) out.push(...c.a);
    else out.push(`<<<<<<< ${labels.ours}`, ...c.a, '=======', ...c.b, `>>>>>>> ${labels.theirs}`);
  }
  return { text: join(out, [ours, theirs]), conflicts };
}

/** Lines without their terminators; the final newline is restored by `join`. */
function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function join(out: string[], sides: string[]): string {
  if (out.length === 0) return '';
  // a file ends with a newline when either input did (generated files always do)
  return `${out.join('\n')}${sides.some((s) => s.endsWith('\n')) ? '\n' : ''}`;
}

/**
 * The rejected hunks of a `--reject` merge, as a unified diff from base to theirs (the template's
 * change that could not be applied), each hunk placed at the line of your text it conflicts with.
 */
export function rejectFile(path: string, from: string, to: string, conflicts: readonly MergeConflict[]): string {
  const out = [
    `# st3 scaffold update: template changes to ${path} that conflict with your edits (${from} -> ${to}).`,
    '# Your text was kept; apply these by hand where they belong, then delete this file.',
    `--- a/${path}\t(template ${from})`,
    `+++ b/${path}\t(template ${to})`,
  ];
  for (const c of conflicts) {
    out.push(
      `@@ -${c.baseLine},${c.base.length} +${c.line},${c.theirs.length} @@ your lines ${c.line}-${c.line + c.ours.length - 1}`,
    );
    for (const l of c.base) out.push(`-${l}`);
    for (const l of c.theirs) out.push(`+${l}`);
  }
  return `${out.join('\n')}\n`;
}
