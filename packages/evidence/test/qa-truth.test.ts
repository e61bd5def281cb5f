import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TelemetryHandle } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  initContext,
  qaCoverage,
  readEvidenceIndex,
  recordQa,
  runTaskValidation,
  summarizeQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const fixture = (name: string) => readFile(new URL(`./fixtures/qa/${name}`, import.meta.url), 'utf8');

/** A telemetry handle that keeps its counters, to see what was counted. */
function countingHandle() {
  const counts = new Map<string, number>();
  const handle: TelemetryHandle = {
    count: (name, value = 1, labels = {}) => {
      const key = `${name}${JSON.stringify(labels)}`;
      counts.set(key, (counts.get(key) ?? 0) + value);
    },
    observe: () => undefined,
  };
  return { handle, counts };
}

describe('ESLint default (stylish) output in st3 qa', () => {
  it('is read by st3 qa record (detected, or selected by --kind lint)', async () => {
    const text = await fixture('eslint-stylish.txt');
    const base = { command: 'pnpm lint', exitCode: 1, durationMs: 5, root: '/tmp/stylish' };
    for (const kind of [undefined, 'lint' as const]) {
      const s = summarizeQa({ ...base, text, ...(kind ? { kind } : {}) });
      expect(s).toMatchObject({ kind: 'lint', format: 'eslint-stylish', headline: '2 errors, 2 warnings' });
      expect(s.issues!.by_rule).toEqual({
        '(no rule)': { errors: 1, warnings: 0 },
        semi: { errors: 1, warnings: 0 },
        'no-var': { errors: 0, warnings: 1 },
        'no-console': { errors: 0, warnings: 1 },
      });
      expect(s.issues!.list[0]).toMatchObject({ file: 'bad.js', line: 4, severity: 'error' });
    }
    expect(summarizeQa({ ...base, text: '', kind: 'lint', exitCode: 0 }).headline).toBe('0 errors, 0 warnings');
    expect(() => summarizeQa({ ...base, text: '', exitCode: 0 })).toThrow(
      expect.objectContaining({ code: 'E_QA_LOG_UNREADABLE' }),
    );
  });

  it('counts every JSON log parsed, and a JSON log that does not parse as a failure', async () => {
    const { handle, counts } = countingHandle();
    const base = { command: 'pnpm lint', exitCode: 1, durationMs: 5, root: '/tmp/qa-sample', telemetry: handle };
    summarizeQa({ ...base, text: await fixture('eslint.json') });
    expect(() => summarizeQa({ ...base, text: '[{"filePath": "/tmp/qa-sample/a.js", "messages": [' })).toThrow(
      expect.objectContaining({ code: 'E_QA_LOG_UNREADABLE' }),
    );
    summarizeQa({ ...base, text: await fixture('tsc.txt') }); // text: not a JSON parse
    expect(Object.fromEntries(counts)).toEqual({
      'json_parses{"source":"qa:log"}': 2,
      'json_parse_failures{"source":"qa:log"}': 1,
    });
  });
});

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  const pipeline =
    '    - id: val-001\n      command: pnpm turbo run qa:static\n' +
    '    - id: val-002\n      command: [node, -e, "console.log(1)"]\n' +
    '    - id: val-003\n      command: [node, -e, "console.log(1)"]\n      cwd: tasks\n';
  await writeFile(join(root, 'tasks/TASK-0050-qa.task.yaml'), completeTask('TASK-0050', pipeline));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  await initContext(ws, 'TASK-0050', { worktree: 'skip', clock: fixedClock });
  return ws;
}

describe('QA artifacts and coverage', () => {
  it('attaches a log without --meta, then its QA record fills in command, exit code and duration', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await mkdir(join(root, '.agent-output/TASK-0050'), { recursive: true });
      const log = join(root, '.agent-output/TASK-0050/qa-static.log');
      await writeFile(log, await fixture('eslint-stylish.txt'));
      const first = await attachEvidence(ws, 'TASK-0050', {
        type: 'qa_output',
        source: '.agent-output/TASK-0050/qa-static.log',
        description: 'Static analysis',
      });
      expect(first.entry.metadata).toBeUndefined();
      expect(first.warnings.map((w) => w.code)).toEqual(['W_QA_METADATA_MISSING']);
      expect(await qaCoverage(ws, 'TASK-0050')).toMatchObject({ expected: 3, covered: 0 });

      const recorded = await recordQa(ws, 'TASK-0050', {
        command: 'pnpm turbo run qa:static',
        exitCode: 0,
        durationMs: 1234,
        log: '.agent-output/TASK-0050/qa-static.log',
      });
      expect(recorded.evidence.id).toBe(first.entry.id);
      const entry = (await readEvidenceIndex(ws, 'TASK-0050')).entries.find((e) => e.id === first.entry.id)!;
      expect(entry.metadata).toMatchObject({ command: 'pnpm turbo run qa:static', exit_code: 0, duration_ms: 1234 });
      const coverage = await qaCoverage(ws, 'TASK-0050');
      expect(coverage).toMatchObject({ expected: 3, covered: 1, uncovered: ['val-002', 'val-003'] });
      expect(coverage.commands[0]).toEqual({
        id: 'val-001',
        command: 'pnpm turbo run qa:static',
        covered_by: [first.entry.id],
        not_measured: [],
      });
    });
  });

  it('a QA run that measured nothing (ESLint checked no file, a killed run) covers no command', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'eslint.json'), '[]');
      const empty = await recordQa(ws, 'TASK-0050', {
        command: 'pnpm turbo run qa:static',
        exitCode: 0,
        durationMs: 5,
        log: 'eslint.json',
        kind: 'lint',
      });
      expect(empty.summary.headline).toMatch(/^not measured: /);
      await writeFile(join(root, 'killed.txt'), await fixture('eslint-stylish.txt'));
      await recordQa(ws, 'TASK-0050', {
        command: 'node -e console.log(1)',
        exitCode: null,
        durationMs: 5,
        log: 'killed.txt',
      });
      const coverage = await qaCoverage(ws, 'TASK-0050');
      expect(coverage).toMatchObject({ expected: 3, covered: 0, uncovered: ['val-001', 'val-002', 'val-003'] });
      expect(coverage.commands[0]!.not_measured).toEqual([
        { evidence_id: empty.evidence.id, reason: expect.stringContaining('ESLint checked no file') },
      ]);
      expect(coverage.commands[1]!.not_measured[0]!.reason).toContain('killed');
      // Attachments that measured nothing still name their command: not listed as matching none.
      expect(coverage.unmatched).toEqual([]);
    });
  });

  it('takes the metadata from a QA record attached as a file', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'lint.txt'), await fixture('eslint-stylish.txt'));
      const recorded = await recordQa(ws, 'TASK-0050', {
        command: 'pnpm turbo run qa:static',
        exitCode: 1,
        durationMs: 77,
        log: 'lint.txt',
      });
      await writeFile(join(root, 'record.json'), JSON.stringify({ ok: true, summary: recorded.summary }));
      const attached = await attachEvidence(ws, 'TASK-0050', {
        type: 'qa_output',
        source: 'record.json',
        description: 'the QA record',
      });
      expect(attached.warnings).toEqual([]);
      expect(attached.entry.metadata).toMatchObject({
        command: 'pnpm turbo run qa:static',
        exit_code: 1,
        duration_ms: 77,
      });
      // Partial metadata is still refused.
      await expect(
        attachEvidence(ws, 'TASK-0050', {
          type: 'qa_output',
          source: 'lint.txt',
          description: 'x',
          metadata: { command: 'pnpm lint' },
        }),
      ).rejects.toMatchObject({ code: 'E_EVIDENCE_INVALID' });
    });
  });

  it('two st3 qa record runs of different commands with the same log bytes cover both commands', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'same.log'), await fixture('eslint-stylish.txt'));
      const a = await recordQa(ws, 'TASK-0050', {
        command: 'pnpm turbo run qa:static',
        exitCode: 0,
        durationMs: 1,
        log: 'same.log',
      });
      const b = await recordQa(ws, 'TASK-0050', {
        command: 'node -e "console.log(1)"',
        exitCode: 0,
        durationMs: 1,
        log: 'same.log',
      });
      // One stored copy of the bytes (attachments dedupe), but each run names its own command.
      expect(b.evidence.id).toBe(a.evidence.id);
      const coverage = await qaCoverage(ws, 'TASK-0050');
      expect(coverage).toMatchObject({ expected: 3, covered: 3, uncovered: [], unmatched: [] });
      expect(coverage.commands.map((c) => c.covered_by)).toEqual([[a.evidence.id], [a.evidence.id], [a.evidence.id]]);
    });
  });

  it('keeps each validation command output as its QA artifact (one per command, even with equal output)', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const run = await runTaskValidation(ws, 'TASK-0050', { commandIds: ['val-002', 'val-003'], env: process.env });
      expect(run.results.map((r) => [r.id, r.status])).toEqual([
        ['val-002', 'passed'],
        ['val-003', 'passed'],
      ]);
      expect(new Set(run.artifacts.map((a) => a.evidence_id)).size).toBe(2);
      const coverage = await qaCoverage(ws, 'TASK-0050');
      expect(coverage).toMatchObject({ covered: 2, uncovered: ['val-001'] });
      await expect(runTaskValidation(ws, 'TASK-0050', { commandIds: ['nope'] })).rejects.toMatchObject({
        code: 'E_USAGE',
      });
    });
  });
});
