import type { BatchFile, BatchReport } from './batch.js';

/** One line per file: the last batch that touched it decides, but "unchanged" never hides a change. */
export function mergeFileLines(batches: readonly BatchReport[]): BatchFile[] {
  const byPath = new Map<string, BatchFile>();
  for (const f of batches.flatMap((b) => b.files)) {
    const prev = byPath.get(f.path);
    if (!prev || f.status !== 'unchanged')
      byPath.set(
        f.path,
        prev && prev.status !== 'unchanged' && f.status !== 'failed'
          ? { ...f, note: mergeNotes(prev.note, f.note) }
          : f,
      );
  }
  return [...byPath.values()];
}

/** A count in a note: a number standing alone before a word ("for 3 pattern(s)"), never part of an id or a line. */
const COUNT = /(?<=^|[ (])\d+(?= )/g;

/**
 * The notes of one file over several batches, each said once: notes of the same shape add up their counts
 * ("doc_id for 1 pattern(s)" in each of 3 batches is "doc_id for 3 pattern(s)"), others are listed after.
 */
function mergeNotes(earlier: string | undefined, later: string | undefined): string | undefined {
  const parts = (note: string | undefined) => (note ? note.split('; ') : []);
  const merged = parts(earlier);
  for (const part of parts(later)) {
    const shape = part.replace(COUNT, '#');
    const i = merged.findIndex((m) => m.replace(COUNT, '#') === shape);
    if (i === -1) {
      merged.push(part);
      continue;
    }
    const counts = part.match(COUNT) ?? [];
    let k = 0;
    merged[i] = merged[i]!.replace(COUNT, (n) => String(Number(n) + Number(counts[k++] ?? 0)));
  }
  return merged.length > 0 ? merged.join('; ') : undefined;
}
