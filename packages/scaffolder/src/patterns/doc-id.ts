/** `PAT-ATOMIC-CREATE-001` → `DOC-ATOMIC-CREATE-001`; other ids are upper-cased into the doc id alphabet. */
export function deriveDocId(patternId: string): string {
  const body = patternId.startsWith('PAT-') ? patternId.slice(4) : patternId;
  const cleaned = body
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `DOC-${cleaned || 'PATTERN'}`;
}
