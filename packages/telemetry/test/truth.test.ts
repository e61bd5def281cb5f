// No false greens from the figures themselves: a negative counter cannot cancel a failed JSON parse, a
// prompt saving measured on part of the prompts is not measured, and a scrape says which files it lacks.
import type { Diagnostic, TelemetryRecord } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import { measureTask, pilotCriteria, serveMetrics, taskMetrics } from '../src/index.js';
import { fakeCollector } from './helpers.js';

const byId = <T extends { id: string }>(list: T[]): Record<string, T> => Object.fromEntries(list.map((c) => [c.id, c]));

describe('JSON parse counters are counts', () => {
  it('a negative counter in a record built in memory is E_TELEMETRY_CORRUPT, never a cancelled failure', () => {
    const reviewer = fakeCollector('reviewer', 'TASK-0001');
    reviewer.jsonParse('executor:agent', false);
    const record = reviewer.snapshot();
    // What a hand-edited file held; a record that skipped the schema brings it here as is.
    const forged: TelemetryRecord = {
      ...record,
      counters: [...record.counters, { name: 'json_parse_failures', labels: { source: 'other' }, value: -1 }],
    };
    expect(() => measureTask([forged], ['telemetry-reviewer.json'])).toThrow(
      expect.objectContaining({ code: 'E_TELEMETRY_CORRUPT', message: expect.stringMatching(/is -1, not a count/) }),
    );
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY])
      expect(() =>
        measureTask([{ ...record, counters: [{ name: 'json_parses', labels: {}, value }] }], ['telemetry-x.json']),
      ).toThrow(expect.objectContaining({ code: 'E_TELEMETRY_CORRUPT' }));
    // The record as recorded: the failure counts.
    expect(byId(taskMetrics('TASK-0001', [record]).criteria).json_parse_failures).toMatchObject({
      status: 'missed',
      value: 1,
    });
  });

  it('the collector never counts down: an amount that is not a count is not added', () => {
    const c = fakeCollector('coder');
    c.jsonParse('executor:agent', false);
    c.count('json_parse_failures', -1, { source: 'executor:agent' });
    c.count('json_parse_failures', Number.NaN, { source: 'executor:agent' });
    c.count('x', 0);
    expect(c.snapshot().counters).toEqual([
      { name: 'json_parses', labels: { source: 'executor:agent' }, value: 1 },
      { name: 'json_parse_failures', labels: { source: 'executor:agent' }, value: 1 },
      { name: 'x', labels: {}, value: 0 },
    ]);
  });
});

describe('prompt_size_savings needs a baseline for every prompt counted', () => {
  function partlyCompared() {
    const coder = fakeCollector('coder', 'TASK-0001');
    coder.prompt(600, 1000);
    for (let i = 0; i < 5; i++) coder.prompt(50_000);
    return coder.snapshot();
  }

  it('is not measured (never met) when some prompts have no baseline, saying how many', () => {
    const metrics = taskMetrics('TASK-0001', [partlyCompared()], {}, undefined, ['telemetry-coder.json']);
    const c = byId(metrics.criteria).prompt_size_savings!;
    expect(c).toMatchObject({ status: 'not measured', value: null, target_met: null });
    expect(c.units).toEqual([
      {
        id: 'TASK-0001',
        value: null,
        met: null,
        detail: '5 of 6 prompt(s) without a baseline size (250000 of 250600 bytes)',
      },
    ]);
    expect(c.detail).toContain('TASK-0001: 5 of 6 prompt(s) without a baseline size');
    expect(metrics.verdict).not.toBe('pass');
  });

  it('across tasks, a partly compared task leaves the criterion not measured, naming it', () => {
    const full = fakeCollector('coder', 'TASK-0002');
    full.prompt(600, 1000);
    const tasks = [
      { task_id: 'TASK-0001', measures: measureTask([partlyCompared()], ['telemetry-coder.json']) },
      { task_id: 'TASK-0002', measures: measureTask([full.snapshot()], ['telemetry-coder.json']) },
    ];
    const c = byId(pilotCriteria(tasks)).prompt_size_savings!;
    expect(c).toMatchObject({ status: 'not measured', value: null });
    expect(c.detail).toMatch(/^not measured: TASK-0001: not measured \(5 of 6 prompt\(s\) without a baseline size/);
    // TASK-0002 alone, every prompt compared: measured (40% saved).
    expect(byId(pilotCriteria([tasks[1]!])).prompt_size_savings).toMatchObject({ status: 'met', value: 0.4 });
  });

  it('a baseline run measures the prompts recorded without one: then every prompt has a baseline', () => {
    const metrics = taskMetrics('TASK-0001', [partlyCompared()], {
      promptBaseline: { bytesPerPrompt: 60_000, source: 'baseline run' },
    });
    const c = byId(metrics.criteria).prompt_size_savings!;
    expect(c.status).toBe('met');
    expect(c.value).toBeCloseTo(1 - 250_600 / 301_000, 10);
  });
});

describe('serveMetrics: unreadable telemetry files are in the scrape', () => {
  it('exposes how many files could not be read and each at its located error; 0 when all were read', async () => {
    const record = fakeCollector('coder', 'TASK-0001');
    record.fileRead('a.ts', 1);
    const broken: Diagnostic = {
      code: 'E_PARSE',
      severity: 'error',
      message: 'not valid JSON',
      file: '.st3/tasks/TASK-0001/telemetry-reviewer.json',
      line: 3,
      column: 7,
    };
    let unreadable: Diagnostic[] = [broken, { ...broken, line: 9 }];
    const served = await serveMetrics({ port: 0, load: async () => ({ records: [record.snapshot()], unreadable }) });
    try {
      const text = await (await fetch(served.url)).text();
      expect(text).toContain('st3_file_reads_total{agent="coder",task="TASK-0001"} 1');
      expect(text).toContain('# TYPE st3_telemetry_files_unreadable gauge');
      expect(text).toMatch(/^st3_telemetry_files_unreadable 1$/m);
      expect(text).toContain(
        'st3_telemetry_unreadable_file_info{file=".st3/tasks/TASK-0001/telemetry-reviewer.json",code="E_PARSE",line="3",column="7"} 1',
      );
      unreadable = [];
      const clean = await (await fetch(served.url)).text();
      expect(clean).toMatch(/^st3_telemetry_files_unreadable 0$/m);
      expect(clean).not.toContain('st3_telemetry_unreadable_file_info{');
    } finally {
      await served.close();
    }
  });
});
