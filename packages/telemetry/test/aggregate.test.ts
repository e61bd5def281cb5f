import { describe, expect, it } from 'vitest';
import { aggregate, compareRollups, rollup, taskMetrics } from '../src/index.js';
import { fakeCollector } from './helpers.js';

function agentRecord(
  agent: string,
  reads: number,
  options: { saved?: number; warnTwice?: boolean; parseFailures?: number } = {},
) {
  const c = fakeCollector(agent);
  for (let i = 0; i < reads; i++) c.fileRead(`f${i}.ts`, 1000);
  if (options.saved) c.cacheHit(options.saved);
  c.warn('warning', 'w');
  if (options.warnTwice) c.warn('warning', 'w');
  if (options.parseFailures) c.count('json_parse_failures', options.parseFailures);
  return c.snapshot();
}

const now = new Date('2026-02-01T00:00:00Z');

describe('success criteria', () => {
  it('computes the five criteria with targets', () => {
    const m = taskMetrics(
      'TASK-1',
      [agentRecord('a', 3, { saved: 1000 }), agentRecord('b', 5)],
      { qa: { expected: 2, recorded: 2 } },
      now,
    );
    const byId = Object.fromEntries(m.criteria.map((c) => [c.id, c]));
    expect(byId.file_reads_per_agent).toMatchObject({ value: 5, target: 5, target_met: true });
    // Both agents warned 'w' once: at task level that is one repeat.
    expect(byId.repeated_warnings).toMatchObject({ value: 1, target_met: true });
    expect(byId.qa_artifact_coverage).toMatchObject({ value: 1, target_met: true });
    expect(byId.prompt_size_savings!.value).toBeCloseTo(1000 / 9000);
    expect(byId.prompt_size_savings!.target_met).toBe(false);
    expect(byId.json_parse_failures).toMatchObject({ value: 0, target_met: true });
    expect(m.agents).toEqual(['a', 'b']);
  });

  it('fails the criteria that are missed and leaves unmeasurable ones null', () => {
    const m = taskMetrics('TASK-2', [agentRecord('a', 9, { warnTwice: true, parseFailures: 1 })], {}, now);
    const byId = Object.fromEntries(m.criteria.map((c) => [c.id, c]));
    expect(byId.file_reads_per_agent!.target_met).toBe(false);
    expect(byId.repeated_warnings).toMatchObject({ value: 1, target_met: true });
    expect(byId.qa_artifact_coverage).toMatchObject({ value: null, target_met: null });
    expect(byId.json_parse_failures!.target_met).toBe(false);
    const empty = taskMetrics('TASK-3', [], {}, now);
    expect(empty.criteria.every((c) => c.target_met === null)).toBe(true);
  });

  it('aggregates warnings and counters across agents', () => {
    const agg = aggregate([agentRecord('a', 1, { warnTwice: true }), agentRecord('b', 1)]);
    expect(agg.warnings).toEqual([{ level: 'warning', message: 'w', count: 3 }]);
    expect(agg.fileReads).toBe(2);
  });
});

describe('rollup and comparison', () => {
  it('reports compliance rates, deltas and regressions', () => {
    const good = taskMetrics('T1', [agentRecord('a', 2)], {}, now);
    const bad = taskMetrics('T1', [agentRecord('a', 8)], {}, now);
    const other = taskMetrics('T2', [agentRecord('a', 1)], {}, now);
    const base = rollup([good, other], now);
    expect(base.compliance.file_reads_per_agent).toEqual({ met: 2, measured: 2, rate: 1 });
    const current = rollup([bad, other], now);
    const cmp = compareRollups(base, current);
    expect(cmp.deltas.find((d) => d.criterion === 'file_reads_per_agent')!.delta).toBe(-0.5);
    expect(cmp.regressions.map((r) => r.task ?? r.criterion)).toEqual(['file_reads_per_agent', 'T1']);
    expect(compareRollups(base, base).regressions).toEqual([]);
  });
});
