import type { GateResult } from '../run/types.js';

/**
 * The one-line summary (deterministic for the same results):
 * `✗ 2/7 gates failed (ruff: 12, mypy: 3) · 1 skipped · 4.2s`, `✓ 6/7 gates passed · 1 skipped · 3.0s`;
 * with `--new-only`, `· 14 pre-existing` says how many violations were set aside.
 */
export function summarize(gates: readonly GateResult[], durationMs: number, preexisting?: number): string {
  const total = gates.length;
  const skipped = gates.filter((g) => g.skipped).length;
  const bad = gates.filter((g) => g.status === 'failed' || g.status === 'error');
  const time = `${(durationMs / 1000).toFixed(1)}s`;
  const skippedText = skipped > 0 ? ` · ${skipped} skipped` : '';
  const preText = preexisting ? ` · ${preexisting} pre-existing` : '';
  if (total === 0) return `✓ no gates to run · ${time}`;
  if (bad.length > 0) {
    const detail = bad.map((g) => `${g.id}: ${g.status === 'error' ? 'error' : g.violations.length}`).join(', ');
    return `✗ ${bad.length}/${total} gates failed (${detail})${skippedText}${preText} · ${time}`;
  }
  if (skipped === total)
    return `✓ 0/${total} gates run · ${skipped} skipped${gates[0]?.reason ? ` (${gates[0].reason})` : ''} · ${time}`;
  return `✓ ${total - skipped}/${total} gates passed${skippedText}${preText} · ${time}`;
}
