import type { FileChange } from './overlay.js';
import type { ArtifactBatch } from './phase-artifacts.js';
import type { PatternRecord } from './workspace.js';

/** A phase-2 file refused to a pattern because another pattern of the run generates it. */
export interface PathConflict {
  pattern: string;
  severity: 'error';
  kind: 'path-conflict';
  message: string;
}

/**
 * The phase-2 files of one run and the pattern each was generated for. Two registry entries naming the
 * same executor_path, test_path, schema_path or example_dir would each generate that file, and the later
 * one would silently replace the earlier one's (in one batch, or in later batches): the first pattern
 * keeps the file, and the other is refused it with an error naming both.
 */
export class PathClaims {
  private readonly owners = new Map<string, { pattern: string; line: number; content?: string }>();

  /** The planned changes less those that would replace another pattern's file with other content, and why each was dropped. */
  take(
    planned: readonly Pick<ArtifactBatch, 'changes'>[],
    records: readonly PatternRecord[],
  ): { changes: FileChange[]; conflicts: PathConflict[] } {
    const lineOf = new Map(records.map((r) => [r.patternId, r.line]));
    const kept: FileChange[] = [];
    const conflicts: PathConflict[] = [];
    for (const c of planned.flatMap((p) => p.changes)) {
      const pattern = c.pattern ?? '';
      const owner = this.owners.get(c.abs);
      // a hand-written file shared by two entries (a common schema) is read by both and written by neither
      if (c.action === 'kept' || !owner || owner.pattern === pattern || owner.content === c.content) {
        if (!owner && c.action !== 'kept')
          this.owners.set(c.abs, { pattern, line: lineOf.get(pattern) ?? 0, content: c.content });
        kept.push(c);
        continue;
      }
      conflicts.push({
        pattern,
        severity: 'error',
        kind: 'path-conflict',
        message:
          `${c.path} is generated for ${owner.pattern} (registry line ${owner.line}) too: not written for ` +
          `${pattern} (registry line ${lineOf.get(pattern) ?? '?'}); give each entry its own ` +
          'executor_path, test_path, schema_path and example_dir',
      });
    }
    return { changes: kept, conflicts };
  }
}
