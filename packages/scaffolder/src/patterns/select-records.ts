import { St3Error, type Diagnostic } from '@st3/schemas';
import { loadPatternWorkspace, type PatternRecord, type PatternWorkspace } from './workspace.js';

// The registry a pattern batch works on, and the entries of it selected for the run.

/** The pattern workspace of the registry; a registry that is not valid YAML stops the run before anything is planned. */
export async function loadRegistryWorkspace(
  registryPath: string,
  linkBase: string | undefined,
): Promise<PatternWorkspace> {
  const ws = await loadPatternWorkspace(registryPath, { linkBase });
  if (ws.parseErrors.length > 0) {
    const e = ws.parseErrors[0]!;
    throw new St3Error('E_PARSE', `the registry is not valid YAML: ${e.message}`, {
      file: e.file,
      line: e.line,
      column: e.column,
      diagnostics: ws.parseErrors,
    });
  }
  return ws;
}

/**
 * The registry entries to work on (those with a pattern_id, and only the `only` ones); the others are reported
 * skipped. An `only` id the registry does not hold is E_USAGE naming it, never a run that plans nothing.
 */
export function selectRecords(
  ws: PatternWorkspace,
  onlyIds: readonly string[] | undefined,
): { records: PatternRecord[]; skipped: Diagnostic[] } {
  const skipped: Diagnostic[] = [];
  const only = onlyIds ? new Set(onlyIds) : undefined;
  if (only) checkOnlyIds(ws, [...only]);
  const records = ws.records.filter((r) => {
    if (!r.patternId) {
      skipped.push({
        code: 'W_PATTERN_SKIPPED',
        severity: 'warning',
        file: ws.registryFile,
        line: r.line,
        message: `patterns[${r.index}]${r.name ? ` (${r.name})` : ''} has no pattern_id: skipped`,
      });
      return false;
    }
    return !only || only.has(r.patternId);
  });
  return { records, skipped };
}

/** Throws E_USAGE for ids the registry does not hold, with the closest ids it does hold as the hint. */
function checkOnlyIds(ws: PatternWorkspace, ids: readonly string[]): void {
  const known = [...new Set(ws.records.flatMap((r) => (r.patternId ? [r.patternId] : [])))];
  const held = new Set(known);
  const unknown = ids.filter((id) => !held.has(id));
  if (unknown.length === 0) return;
  const close = closestIds(unknown[0]!, known);
  throw new St3Error(
    'E_USAGE',
    `pattern id${unknown.length > 1 ? 's' : ''} not in the registry: ${unknown.join(', ')}`,
    {
      file: ws.registryFile,
      hint:
        close.length > 0
          ? `closest ids in the registry: ${close.join(', ')} (${known.length} in all; \`st3 patterns check\` lists them)`
          : 'the registry has no entry with a pattern_id',
      details: { unknown, suggestions: close },
    },
  );
}

/** The (at most 3) ids nearest to `id` by edit distance, case-insensitive; ties in name order. */
function closestIds(id: string, known: readonly string[]): string[] {
  const target = id.toUpperCase();
  return known
    .map((k) => ({ k, d: editDistance(target, k.toUpperCase()) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map((x) => x.k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
