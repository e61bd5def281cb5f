import { St3Error } from '@st3/schemas/errors';

/** Parses `--set k=v` style pairs; values stay strings unless they are JSON literals. */
export function parseKeyValues(pairs: readonly string[] | undefined, flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new St3Error('E_USAGE', `${flag} expects key=value, got "${pair}"`, { hint: `e.g. ${flag} name=value` });
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[key] = parseLiteral(raw);
  }
  return out;
}

function parseLiteral(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if ((raw.startsWith('[') && raw.endsWith(']')) || (raw.startsWith('{') && raw.endsWith('}'))) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}
