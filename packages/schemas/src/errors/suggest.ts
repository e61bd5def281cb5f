/**
 * Edit distance with adjacent transpositions (optimal string alignment): `lsit` → `list` is one edit,
 * as a typist would count it.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many edits a word of this length may be off and still be suggested. */
function allowedEdits(length: number): number {
  return length <= 3 ? 1 : length <= 6 ? 2 : 3;
}

/**
 * The candidates the user probably meant (at most `limit`, equally close ones in name order): close by
 * edit distance (case-insensitive, leading dashes of options ignored), or starting with what was typed
 * (at least 3 characters).
 */
export function suggest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const bare = (s: string) => s.toLowerCase().replace(/^-+/, '');
  const typed = bare(input);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const lower = bare(candidate);
    const distance = editDistance(typed, lower);
    if (distance <= allowedEdits(typed.length) && distance < Math.max(typed.length, lower.length))
      scored.push({ candidate, score: distance });
    else if (typed.length >= 3 && lower.startsWith(typed))
      scored.push({ candidate, score: allowedEdits(typed.length) });
  }
  const best = Math.min(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score === best)
    .sort((x, y) => x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** `did you mean "list"?` or `did you mean one of "a", "b"?`, or undefined when nothing is close. */
export function didYouMean(
  input: string,
  candidates: Iterable<string>,
  format = (s: string) => `"${s}"`,
): string | undefined {
  const found = suggest(input, candidates);
  if (found.length === 0) return undefined;
  return found.length === 1
    ? `did you mean ${format(found[0]!)}?`
    : `did you mean one of ${found.map(format).join(', ')}?`;
}
