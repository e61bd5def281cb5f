import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Output } from '@st3/cli-kit';
import { startRunMetrics } from '../src/execute/metrics.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('execution metrics of a run', () => {
  it('keeps the counts of a failed flush and writes them once the totals file can be written again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'st3-run-metrics-'));
    dirs.push(root);
    // A folder where the totals file goes: every write fails until it is removed.
    const totals = join(root, '.st3/telemetry/execution-metrics.json');
    mkdirSync(totals, { recursive: true });
    const warnings: string[] = [];
    const out = { warn: (m: string) => warnings.push(m) } as unknown as Output;
    const metrics = await startRunMetrics({ root, backend: 'local', out, flushMs: 20 });
    metrics.onStalled();
    await new Promise((r) => setTimeout(r, 200)); // several flushes fail meanwhile
    rmSync(totals, { recursive: true });
    await metrics.close();
    expect(warnings).toEqual([]);
    expect(readFileSync(totals, 'utf8')).toContain('st3_v2_jobs_stalled_total');
  });
});
