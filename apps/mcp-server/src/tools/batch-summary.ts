import { plural } from '../results.js';

/**
 * The batch's one line, with what made it fail, as `st3 scaffold batch` says it: batches rolled back, and
 * error notes (a batch can fail with every batch applied, or in a dry run, on errors alone).
 */
export function batchSummary(r: {
  dryRun: boolean;
  counts: Record<string, number>;
  batches: { ok: boolean }[];
  notes: { severity: string; pattern: string; message: string }[];
  skipped: unknown[];
}): string {
  const counts =
    Object.entries(r.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'no files';
  const rolledBack = r.batches.filter((b) => !b.ok).length;
  const errors = r.notes.filter((n) => n.severity === 'error');
  const first = errors[0] ? ` (first: ${errors[0].pattern}: ${errors[0].message})` : '';
  return `${r.dryRun ? 'dry run' : 'batch'}: ${r.batches.length} batch(es)${rolledBack > 0 ? `, ${rolledBack} rolled back` : ''}, ${counts}${errors.length > 0 ? `; ${plural(errors.length, 'error')}${first}` : ''}${r.skipped.length > 0 ? `; ${r.skipped.length} registry entr${r.skipped.length === 1 ? 'y' : 'ies'} without a pattern_id skipped` : ''}`;
}
