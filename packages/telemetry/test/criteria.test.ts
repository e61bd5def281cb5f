import { SuccessCriterionSchema, TaskMetricsSchema, type SuccessCriterion, type TelemetryRecord } from '@st3/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  compare,
  compareRollups,
  measureTask,
  pilotCriteria,
  pilotVerdict,
  rollup,
  taskMetrics,
  type MeasuredTask,
} from '../src/index.js';
import { fakeCollector } from './helpers.js';

const now = new Date('2026-02-01T00:00:00Z');
const byId = (criteria: SuccessCriterion[]): Record<string, SuccessCriterion> =>
  Object.fromEntries(criteria.map((c) => [c.id, c]));

/**
 * The scripted pilot: two tasks, three agents. Every expected figure below is worked out by hand
 * from the events recorded here (see the comments), not by the code under test.
 */
function scriptedPilot() {
  // TASK-0101 / coder: 3 reads (a.ts once, b.ts twice), one cache hit, 2 prompts with baselines,
  // warning "stale excerpt" twice (1 repeat) and "x" once.
  const coderA = fakeCollector('coder', 'TASK-0101');
  coderA.fileRead('src/a.ts', 400);
  coderA.fileRead('src/b.ts', 300);
  coderA.fileRead('src/b.ts', 300);
  coderA.cacheHit(2000, 'task_snapshot');
  coderA.prompt(800, 1000);
  coderA.prompt(1200, 1600);
  coderA.warn('warning', 'stale excerpt');
  coderA.warn('warning', 'stale excerpt');
  coderA.warn('info', 'x');
  // TASK-0101 / reviewer: 7 distinct reads (over the limit of 5), 1 prompt, 3 JSON parses that succeeded.
  const reviewerA = fakeCollector('reviewer', 'TASK-0101');
  for (let i = 0; i < 7; i++) reviewerA.fileRead(`src/f${i}.ts`, 100);
  reviewerA.prompt(900, 1000);
  for (let i = 0; i < 3; i++) reviewerA.jsonParse('qa:eslint-json', true);
  // TASK-0102 / coder: 4 reads, warning "w" three times (2 repeats), 1 prompt, 1 good and 1 bad JSON parse.
  const coderB = fakeCollector('coder', 'TASK-0102');
  for (let i = 0; i < 4; i++) coderB.fileRead(`lib/g${i}.py`, 50);
  for (let i = 0; i < 3; i++) coderB.warn('warning', 'w');
  coderB.prompt(700, 1000);
  coderB.jsonParse('executor:agent', true);
  coderB.jsonParse('executor:agent', false);
  // TASK-0102 / tester: only a command: its reads were not tracked, so it is not judged.
  const testerB = fakeCollector('tester', 'TASK-0102');
  testerB.command(['pnpm', 'test'], 0, 1200);
  const a = taskMetrics(
    'TASK-0101',
    [coderA.snapshot(), reviewerA.snapshot()],
    { qa: { expected: 2, covered: 2 } },
    now,
  );
  const b = taskMetrics(
    'TASK-0102',
    [coderB.snapshot(), testerB.snapshot()],
    { qa: { expected: 3, covered: 2, uncovered: ['val-003'] } },
    now,
  );
  return { a, b };
}

describe('the scripted pilot (two tasks, three agents), against hand-computed values', () => {
  it('computes every criterion, its units and the verdict', () => {
    const { a, b } = scriptedPilot();
    expect(TaskMetricsSchema.parse(a)).toEqual(a);
    const pilot = pilotVerdict([a, b]);
    const c = byId(pilot.criteria);
    // Reads: A/coder 3 ✓, A/reviewer 7 ✗, B/coder 4 ✓, B/tester untracked → 2 of 3 agents = 66.7% < 80%.
    expect(c.file_reads_per_agent).toMatchObject({ value: 2 / 3, target: 0.8, comparison: '>=', status: 'missed' });
    expect(c.file_reads_per_agent!.figure!.value).toBeCloseTo((3 + 7 + 4) / 3);
    expect(c.file_reads_per_agent!.units!.map((u) => [u.id, u.value])).toEqual([
      ['TASK-0101/coder', 3],
      ['TASK-0101/reviewer', 7],
      ['TASK-0102/coder', 4],
      ['TASK-0102/tester', null],
    ]);
    // Repeated warnings: A has 1 (≤ 1 ✓), B has 2 (✗) → 50% of tasks < 100%; 3 repeats in all.
    expect(c.repeated_warnings).toMatchObject({ value: 0.5, target: 1, status: 'missed', figure: { value: 3 } });
    // QA: A 2/2 ✓, B 2/3 ✗ → 50% of tasks; 4 of 5 commands covered overall.
    expect(c.qa_artifact_coverage).toMatchObject({ value: 0.5, status: 'missed', figure: { value: 4 / 5 } });
    // Prompts: A saves 1 - (800+1200+900)/(1000+1600+1000) = 19.44%, B 1 - 700/1000 = 30% → mean 24.72% ≥ 15%.
    expect(c.prompt_size_savings!.value).toBeCloseTo((1 - 2900 / 3600 + 0.3) / 2, 10);
    expect(c.prompt_size_savings!.status).toBe('met');
    // JSON: 3 + 2 parses, 1 failure → 1 ≠ 0.
    expect(c.json_parse_failures).toMatchObject({ value: 1, target: 0, comparison: '==', status: 'missed' });
    expect(pilot).toMatchObject({
      verdict: 'fail',
      met: 1,
      missed: 4,
      not_measured: 0,
      tasks: ['TASK-0101', 'TASK-0102'],
    });
    expect(pilot.summary).toContain(
      'missed: file_reads_per_agent, repeated_warnings, qa_artifact_coverage, json_parse_failures',
    );
  });

  it('judges each task on its own too', () => {
    const { a, b } = scriptedPilot();
    const ca = byId(a.criteria);
    expect(ca.file_reads_per_agent).toMatchObject({ value: 0.5, status: 'missed' }); // coder ✓, reviewer ✗
    expect(ca.repeated_warnings).toMatchObject({ value: 1, status: 'met' });
    expect(ca.qa_artifact_coverage).toMatchObject({ value: 1, status: 'met' });
    expect(ca.json_parse_failures).toMatchObject({ value: 0, status: 'met' });
    expect(a.verdict).toBe('fail');
    expect(byId(b.criteria).file_reads_per_agent).toMatchObject({ value: 1, status: 'met' }); // tester not judged
    expect(a.totals).toMatchObject({ file_reads: 10, prompts: 3, prompt_bytes: 2900, json_parses: 3 });
  });

  it('passes when all five thresholds are met, and rolls up', () => {
    const c = fakeCollector('coder', 'TASK-1');
    c.fileRead('a', 1);
    c.prompt(80, 100);
    c.jsonParse('qa:eslint-json', true);
    const t = taskMetrics('TASK-1', [c.snapshot()], { qa: { expected: 1, covered: 1 } }, now);
    expect(t.verdict).toBe('pass');
    const r = rollup([t], now);
    expect(r.pilot).toMatchObject({ verdict: 'pass', met: 5 });
    expect(r.compliance.file_reads_per_agent).toEqual({ met: 1, measured: 1, rate: 1 });
  });
});

describe('criteria are measured or say so', () => {
  it('never meets a criterion without data', () => {
    const empty = taskMetrics('TASK-9', [], {}, now);
    expect(empty.criteria.map((c) => c.status)).toEqual(Array(5).fill('not measured'));
    expect(empty.criteria.every((c) => c.target_met === null && c.value === null)).toBe(true);
    expect(empty.verdict).toBe('incomplete');
    // Telemetry without reads, prompts or JSON parses: those stay unmeasured (the old code called them met).
    const c = fakeCollector('agent', 'TASK-9');
    c.warn('warning', 'once');
    const some = byId(taskMetrics('TASK-9', [c.snapshot()], {}, now).criteria);
    expect(some.file_reads_per_agent!.status).toBe('not measured');
    expect(some.json_parse_failures!.status).toBe('not measured');
    expect(some.prompt_size_savings!.status).toBe('not measured');
    expect(some.qa_artifact_coverage!.status).toBe('not measured');
    expect(some.repeated_warnings!.status).toBe('met');
  });

  it('uses a baseline prompt size for prompts recorded without one', () => {
    const c = fakeCollector('coder', 'T');
    c.prompt(850);
    c.prompt(850);
    const m = measureTask([c.snapshot()], ['telemetry-coder.json'], {
      promptBaseline: { bytesPerPrompt: 1000, source: 'pilot-baseline-T.json' },
    });
    expect(m.prompts).toMatchObject({ compared_count: 2, compared_bytes: 1700, baseline_bytes: 2000 });
    const s = byId(pilotCriteria([{ task_id: 'T', measures: m }]));
    expect(s.prompt_size_savings!.value).toBeCloseTo(0.15);
    expect(s.prompt_size_savings!.source).toContain('T');
  });

  const measures = fc.record({
    agents: fc.array(
      fc.record({
        agent: fc.string({ minLength: 1, maxLength: 4 }),
        file_reads: fc.nat(12),
        distinct_files: fc.nat(12),
        bytes_read: fc.nat(),
        cache_hits: fc.nat(3),
        reads_tracked: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
    repeated: fc.nat(4),
    sources: fc.nat(2),
    qa: fc.option(fc.record({ expected: fc.nat(4), covered: fc.nat(4) })),
    prompts: fc.record({ bytes: fc.nat(5000), baseline: fc.nat(5000) }),
    json: fc.record({ parses: fc.nat(5), failures: fc.nat(2) }),
  });
  type Drawn = typeof measures extends fc.Arbitrary<infer T> ? T : never;
  const toTask = (m: Drawn, i: number): MeasuredTask => ({
    task_id: `T${i}`,
    measures: {
      sources: Array.from({ length: m.sources }, (_, k) => `telemetry-${k}.json`),
      agents: m.agents,
      warnings: { total: m.repeated + 1, distinct: 1, repeated: m.repeated, top: [] },
      qa: m.qa ? { ...m.qa, covered: Math.min(m.qa.covered, m.qa.expected), uncovered: [], source: 's' } : null,
      prompts: {
        count: 1,
        bytes: m.prompts.bytes,
        compared_count: 1,
        compared_bytes: m.prompts.bytes,
        baseline_bytes: m.prompts.baseline,
        baseline_source: 'recorded',
      },
      json: {
        parses: Math.max(m.json.parses, m.json.failures),
        failures: m.json.failures,
        by_source: { s: { parses: Math.max(m.json.parses, m.json.failures), failures: m.json.failures } },
      },
    },
  });

  it('judges every criterion by its value against the target, and passes the pilot only when all are met (property)', () => {
    fc.assert(
      fc.property(fc.array(measures, { maxLength: 4 }), (list) => {
        const tasks = list.map(toTask);
        const pilot = pilotVerdict(tasks);
        for (const c of pilot.criteria) {
          expect(SuccessCriterionSchema.safeParse(c).success).toBe(true);
          if (c.value === null) expect([c.target_met, c.status]).toEqual([null, 'not measured']);
          else {
            expect(c.target_met).toBe(compare(c.value, c.comparison, c.target));
            expect(c.status).toBe(c.target_met ? 'met' : 'missed');
          }
          // A unit judged met meets the per-unit target of the seed's table.
          for (const u of c.units ?? [])
            if (u.met !== null && u.value !== null && c.id !== 'prompt_size_savings')
              expect(u.met).toBe(compare(u.value, c.unit_target!.comparison, c.unit_target!.value));
        }
        expect(pilot.verdict === 'pass').toBe(pilot.criteria.every((c) => c.target_met === true));
        expect(pilot.verdict === 'fail').toBe(pilot.criteria.some((c) => c.target_met === false));
        // The file-reads share is exactly the share of tracked agents at ≤ 5 reads, when every task has one.
        const tracked = tasks.flatMap((t) => t.measures!.agents.filter((a) => a.reads_tracked));
        const reads = pilot.criteria[0]!;
        if (tracked.length === 0 || tasks.some((t) => !t.measures!.agents.some((a) => a.reads_tracked)))
          expect(reads.value).toBeNull();
        else expect(reads.value).toBeCloseTo(tracked.filter((a) => a.file_reads <= 5).length / tracked.length);
        // A criterion is met across tasks only when every task measured it on its own (never on partial data).
        for (const [i, c] of pilot.criteria.entries())
          if (c.status === 'met')
            for (const t of tasks)
              expect(pilotCriteria([t])[i]!.status, `${c.id} of ${t.task_id}`).not.toBe('not measured');
      }),
    );
  });
});

describe('a pilot over several tasks is never judged on partial data', () => {
  /** A task that meets all five criteria on its own. */
  const passing = (id: string) => {
    const c = fakeCollector('coder', id);
    c.fileRead('a', 1);
    c.prompt(80, 100);
    c.jsonParse('qa:eslint-json', true);
    return taskMetrics(id, [c.snapshot()], { qa: { expected: 1, covered: 1 } }, now);
  };

  it('leaves every criterion a task has no measurement for not measured, naming the task', () => {
    const a = passing('TASK-A');
    const b = taskMetrics('TASK-B', [], { qa: { expected: 0, covered: 0 } }, now); // nothing recorded
    expect([a.verdict, b.verdict]).toEqual(['pass', 'incomplete']);
    const pilot = pilotVerdict([a, b]);
    expect(pilot).toMatchObject({ verdict: 'incomplete', met: 0, missed: 0, not_measured: 5 });
    expect(pilot.summary).toMatch(/^pilot is incomplete: 0\/5 criteria met; not measured: /);
    for (const c of pilot.criteria) {
      expect(c, c.id).toMatchObject({ value: null, target_met: null, status: 'not measured' });
      expect(c.figure?.value ?? null, c.id).toBeNull();
      expect(c.detail, c.id).toMatch(/^not measured: TASK-B: not measured \(.+\); the other task\(s\) alone: /);
      expect(
        c.units!.find((u) => u.id === 'TASK-B' || u.id.startsWith('TASK-B/')),
        c.id,
      ).toMatchObject({
        value: null,
        met: null,
      });
    }
    expect(byId(pilot.criteria).qa_artifact_coverage!.detail).toContain(
      'TASK-B: not measured (no validation commands)',
    );
    // A rollup of the two says the same, and a task without measures (an old metrics file) counts as unmeasured.
    expect(rollup([a, b], now).pilot!.verdict).toBe('incomplete');
    expect(pilotVerdict([a, { task_id: 'TASK-OLD' }]).verdict).toBe('incomplete');
    expect(pilotVerdict([a, passing('TASK-C')]).verdict).toBe('pass');
  });

  it('keeps a miss that no unmeasured task could undo; a share or an average stays not measured', () => {
    const c = fakeCollector('coder', 'TASK-A');
    for (let i = 0; i < 6; i++) c.fileRead(`f${i}`, 1); // 6 reads > 5: the only agent misses
    c.warn('warning', 'w');
    c.warn('warning', 'w');
    c.warn('warning', 'w'); // 2 repeats > 1
    c.prompt(100, 100); // 0% saved
    c.jsonParse('agent', false);
    const a = taskMetrics('TASK-A', [c.snapshot()], { qa: { expected: 2, covered: 1 } }, now);
    const b = taskMetrics('TASK-B', [], {}, now);
    const s = byId(pilotVerdict([a, b]).criteria);
    // 100% of tasks, 0 failures: missed whatever TASK-B would show, and TASK-B is named.
    for (const id of ['repeated_warnings', 'qa_artifact_coverage', 'json_parse_failures']) {
      expect(s[id]!.status, id).toBe('missed');
      expect(s[id]!.detail, id).toContain('TASK-B: not measured');
    }
    // ≥ 80% of agents, an average: TASK-B's agents or prompts could change them.
    for (const id of ['file_reads_per_agent', 'prompt_size_savings']) expect(s[id]!.status, id).toBe('not measured');
    expect(pilotVerdict([a, b]).verdict).toBe('fail');
  });
});

describe('baseline comparison', () => {
  it('shows baseline value, current value and delta per criterion, and regressions', () => {
    const { a, b } = scriptedPilot();
    const current = rollup([a, b], now);
    const before = fakeCollector('coder', 'TASK-0101');
    for (let i = 0; i < 22; i++) before.fileRead(`f${i}`, 10);
    before.prompt(1000, 1000);
    const base = rollup([taskMetrics('TASK-0101', [before.snapshot()], { qa: { expected: 2, covered: 2 } }, now)], now);
    const cmp = compareRollups(base, current);
    const reads = cmp.deltas.find((d) => d.criterion === 'file_reads_per_agent')!;
    expect(reads).toMatchObject({ baseline: 0, current: 2 / 3, baseline_status: 'missed', current_status: 'missed' });
    expect(reads.figure).toMatchObject({ unit: 'reads per agent', baseline: 22 });
    expect(reads.figure.delta).toBeCloseTo(14 / 3 - 22);
    expect(reads.improved).toBe(true);
    const savings = cmp.deltas.find((d) => d.criterion === 'prompt_size_savings')!;
    expect(savings).toMatchObject({ baseline: 0, baseline_status: 'missed', current_status: 'met', improved: true });
    expect(cmp).toMatchObject({ baseline_verdict: 'fail', current_verdict: 'fail' });
    expect(cmp.tasks.map((t) => t.task)).toEqual(['TASK-0101']);
    // QA was met in the baseline and missed now (TASK-0102 covers 2 of 3): a regression.
    expect(cmp.regressions.map((r) => r.criterion)).toContain('qa_artifact_coverage');
    expect(compareRollups(current, current).regressions).toEqual([]);
  });

  it('reports a criterion measured in the baseline and not measured now, and a worse verdict, as regressions', () => {
    const c = fakeCollector('coder', 'TASK-1');
    c.fileRead('a', 1);
    c.prompt(80, 100);
    c.jsonParse('qa:eslint-json', true);
    const base = rollup([taskMetrics('TASK-1', [c.snapshot()], { qa: { expected: 1, covered: 1 } }, now)], now);
    // Now the telemetry is gone: only QA coverage is measured.
    const current = rollup([taskMetrics('TASK-1', [], { qa: { expected: 1, covered: 1 } }, now)], now);
    const cmp = compareRollups(base, current);
    expect(cmp).toMatchObject({ baseline_verdict: 'pass', current_verdict: 'incomplete' });
    const unmeasured = ['file_reads_per_agent', 'repeated_warnings', 'prompt_size_savings', 'json_parse_failures'];
    expect(cmp.regressions.filter((r) => !r.task).map((r) => r.criterion)).toEqual(['verdict', ...unmeasured]);
    expect(cmp.regressions.filter((r) => r.task === 'TASK-1').map((r) => r.criterion)).toEqual(unmeasured);
    expect(cmp.regressions[0]!.message).toMatch(/^pilot verdict pass → incomplete/);
    expect(cmp.regressions[1]!.message).toMatch(/^file_reads_per_agent no longer measured \(met at 1 in the baseline/);
    // Not measured in both: nothing to compare, no regression; measured again: none either.
    expect(compareRollups(current, current).regressions).toEqual([]);
    expect(compareRollups(current, base).regressions).toEqual([]);
    // A missed criterion that is no longer measured cannot be shown not to have got worse either.
    const missedBase = rollup([taskMetrics('TASK-1', [c.snapshot()], { qa: { expected: 2, covered: 1 } }, now)], now);
    const none = rollup([taskMetrics('TASK-1', [], {}, now)], now);
    expect(compareRollups(missedBase, none).regressions.map((r) => r.criterion)).toContain('qa_artifact_coverage');
  });

  it('reports a task measured in the baseline and missing from the current run as a regression', () => {
    const { a, b } = scriptedPilot();
    const both = rollup([a, b], now);
    const onlyA = rollup([a], now);
    const cmp = compareRollups(both, onlyA);
    const missing = cmp.regressions.filter((r) => r.criterion === 'task');
    expect(missing.map((r) => r.task)).toEqual([b.task_id]);
    expect(missing[0]!.message).toMatch(/was measured in the baseline and is missing from the current run/);
    // A new task in the current run is not a regression; a baseline task never measured is nothing to lose.
    expect(compareRollups(onlyA, both).regressions.filter((r) => r.criterion === 'task')).toEqual([]);
    const unmeasured = rollup([a, taskMetrics('TASK-9', [], {}, now)], now);
    expect(compareRollups(unmeasured, onlyA).regressions.filter((r) => r.criterion === 'task')).toEqual([]);
  });
});

describe('aggregate', () => {
  it('combines warnings and counters across agents', () => {
    const one = fakeCollector('a');
    one.fileRead('x', 1);
    one.warn('warning', 'w');
    one.warn('warning', 'w');
    const two = fakeCollector('b');
    two.fileRead('y', 1);
    two.warn('warning', 'w');
    const records: TelemetryRecord[] = [one.snapshot(), two.snapshot()];
    const agg = aggregate(records);
    expect(agg.warnings).toEqual([{ level: 'warning', message: 'w', count: 3 }]);
    expect(agg.fileReads).toBe(2);
  });
});
