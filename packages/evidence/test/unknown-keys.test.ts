import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addException,
  attachEvidence,
  cleanupExceptions,
  DEFAULT_TASKS_CONFIG,
  initContext,
  quarantineTask,
  readEvidenceIndex,
  readLedger,
  readQuarantineEntry,
  recordQa,
  releaseQuarantined,
  repairQuarantined,
  resolveException,
  runTaskValidation,
  shouldShowWarning,
  validateTaskText,
  type EvidenceWorkspace,
} from '../src/index.js';
import { withUnknownKeys } from '../src/lossless.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

type Json = Record<string, unknown>;

const readJson = async (path: string): Promise<Json> => JSON.parse(await readFile(path, 'utf8')) as Json;
const writeJson = (path: string, value: unknown) => writeFile(path, `${JSON.stringify(value, null, 2)}\n`);

/** Values other tools put in the files: text with non-ASCII, decimals, nulls, nesting, arrays. */
const extra = {
  ticket: 'JIRA-1234',
  pr: 'https://github.com/acme/app/pull/77',
  team: { name: 'Plateforme ✓', oncall: ['zoë', 'ahmed'], weight: 0.1, since: null },
};

/** Every key of `expected` is in `actual` with the same value, written the same way (JSON text). */
function expectKept(actual: unknown, expected: Json): void {
  for (const [key, value] of Object.entries(expected))
    expect(JSON.stringify((actual as Json)[key]), key).toBe(JSON.stringify(value));
}

describe('withUnknownKeys', () => {
  it('puts back what the schema stripped, at any depth, in the file order; parsed values win', () => {
    const raw = JSON.parse(
      '{"b": 1, "x": {"deep": [1, {"y": null}]}, "list": [{"id": "a", "own": true}, {"id": "b"}], "nested": {"k": "raw", "extra": "kept"}, "__proto__": {"polluted": true}}',
    ) as Json;
    const parsed = { b: 2, list: [{ id: 'A' }, { id: 'B' }], nested: { k: 'parsed' }, added: 'default' };
    const merged = withUnknownKeys(raw, parsed) as Json;
    expect(JSON.stringify(merged)).toBe(
      '{"b":2,"x":{"deep":[1,{"y":null}]},"list":[{"id":"A","own":true},{"id":"B"}],"nested":{"k":"parsed","extra":"kept"},"__proto__":{"polluted":true},"added":"default"}',
    );
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Json).polluted).toBeUndefined();
    // Neither input is changed.
    expect(parsed).toEqual({ b: 2, list: [{ id: 'A' }, { id: 'B' }], nested: { k: 'parsed' }, added: 'default' });
  });
});

describe('fields the schemas do not know survive every update', () => {
  it('exception ledger: add (new and again), warning suppression, resolve, cleanup', async () => {
    await withTemp(async (dir) => {
      const path = join(dir, 'ledger.json');
      const entry = (task_id: string, exception_type: string, more: Json) => ({
        task_id,
        exception_type,
        detected_at: '2025-12-01T00:00:00.000Z',
        remediation: {
          owner: 'alice',
          status: 'open',
          deadline: null,
          notes: '',
          resolved_at: null,
          review: { by: 'bob', links: ['https://example.test/r/1'] },
        },
        parse_error: null,
        suppressed_warnings: [],
        auto_remove_on: 'task_completion',
        ...more,
      });
      await writeJson(path, {
        version: '1.0',
        last_updated: '2025-12-01T00:00:00.000Z',
        generator: { name: 'seed-tasks-cli', version: '2.3.1' },
        exceptions: [
          entry('TASK-0001', 'malformed_yaml', extra),
          entry('TASK-0002', 'incomplete_task', { ticket: 'JIRA-2' }),
        ],
      });
      const check = async () => {
        const file = await readJson(path);
        expectKept(file, { generator: { name: 'seed-tasks-cli', version: '2.3.1' } });
        const byId = new Map((file.exceptions as Json[]).map((e) => [e.task_id, e]));
        expectKept(byId.get('TASK-0001'), extra);
        expectKept((byId.get('TASK-0001')!.remediation as Json) ?? {}, {
          review: { by: 'bob', links: ['https://example.test/r/1'] },
        });
        if (byId.has('TASK-0002')) expectKept(byId.get('TASK-0002'), { ticket: 'JIRA-2' });
        return file;
      };

      const added = await addException(path, { task_id: 'TASK-0003', exception_type: 'other' }, fixedClock);
      expect(added.created).toBe(true);
      await check();
      const again = await addException(
        path,
        { task_id: 'TASK-0001', exception_type: 'malformed_yaml', parse_error: '3:4 bad' },
        fixedClock,
      );
      // What the function returns is the entry as its schema knows it; the file keeps the rest.
      expect(again).toMatchObject({ created: false, exception: { task_id: 'TASK-0001', parse_error: '3:4 bad' } });
      expect(again.exception).not.toHaveProperty('ticket');
      expect((await check()).last_updated).toBe('2026-01-02T03:04:05.000Z');

      expect(await shouldShowWarning(path, 'TASK-0001', 'W_X', fixedClock)).toBe(true);
      expect(await shouldShowWarning(path, 'TASK-0001', 'W_X', fixedClock)).toBe(false);
      await check();

      const resolved = await resolveException(path, 'TASK-0002', 'done', undefined, fixedClock);
      expect(resolved[0]).not.toHaveProperty('ticket');
      const afterResolve = await check();
      expect((afterResolve.exceptions as Json[]).find((e) => e.task_id === 'TASK-0002')!.remediation).toMatchObject({
        status: 'resolved',
        review: { by: 'bob' },
      });

      const removed = await cleanupExceptions(path, (id) => (id === 'TASK-0002' ? 'completed' : 'active'), fixedClock);
      expect(removed.map((e) => e.task_id)).toEqual(['TASK-0002']);
      const final = await check();
      expect((final.exceptions as Json[]).map((e) => e.task_id)).toEqual(['TASK-0001', 'TASK-0003']);
      expect((final.exceptions as Json[])[0]).toMatchObject({
        parse_error: '3:4 bad',
        suppressed_warnings: ['W_X'],
      });
      // The schema-shaped read is unchanged: what the schema knows.
      expect((await readLedger(path)).exceptions[0]).not.toHaveProperty('pr');
    });
  });

  it('quarantine index and entries: quarantine again, repair, release', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const file = 'tasks/TASK-0005-broken.task.yaml';
      await writeFile(join(root, file), completeTask('TASK-0005').replace('title: t', 'title: `t` with a backtick'));
      const broken = validateTaskText(await readFile(join(root, file), 'utf8'), file);
      expect(broken.parseFailed).toBe(true);
      const q = { root, dir: join(root, 'q'), clock: fixedClock };
      await quarantineTask(q, 'TASK-0005', file, broken.errors[0]!);

      const indexFile = join(root, 'q/index.json');
      const entryFile = join(root, 'q/TASK-0005.json');
      const index = await readJson(indexFile);
      await writeJson(indexFile, {
        ...index,
        owner_team: 'qa-guild',
        entries: (index.entries as Json[]).map((e) => ({ ...e, ...extra })),
      });
      const entry = await readJson(entryFile);
      await writeJson(entryFile, {
        ...entry,
        ...extra,
        error_details: { ...(entry.error_details as Json), source: 'ci', context: { job: 42 } },
      });
      const checkIndex = async () => {
        const now = await readJson(indexFile);
        expectKept(now, { owner_team: 'qa-guild' });
        for (const row of now.entries as Json[]) expectKept(row, extra);
      };
      const checkEntry = async (path = entryFile) => {
        const now = await readJson(path);
        expectKept(now, extra);
        expectKept(now.error_details, { source: 'ci', context: { job: 42 } });
        return now;
      };

      const again = await quarantineTask(q, 'TASK-0005', file, { ...broken.errors[0]!, message: 'again' });
      expect(again).not.toHaveProperty('ticket');
      await checkIndex();
      expect((await checkEntry()).error_details).toMatchObject({ message: 'again', source: 'ci' });

      const dry = await repairQuarantined(q, 'TASK-0005', { dryRun: true });
      expect(dry.success).toBe(true);
      expect(dry.entry).not.toHaveProperty('pr');
      await checkIndex();
      expect(((await checkEntry()).repair_attempts as unknown[]).length).toBe(1);
      await repairQuarantined(q, 'TASK-0005');
      await checkIndex();
      expect((await checkEntry()).status).toBe('repaired');
      expect((await readQuarantineEntry(q, 'TASK-0005')).status).toBe('repaired');

      const released = await releaseQuarantined(q, 'TASK-0005');
      expect(released).not.toHaveProperty('team');
      expectKept(await readJson(indexFile), { owner_team: 'qa-guild' });
      const [resolvedFile] = await readdir(join(root, 'q/resolved'));
      expect((await checkEntry(join(root, 'q/resolved', resolvedFile!))).status).toBe('resolved');
    });
  });

  it('evidence index, context.json and qa/runs.json: attach (new, same bytes), run-validation, QA record', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const node = JSON.stringify(process.execPath);
      await writeFile(
        join(root, 'tasks/TASK-0007-x.task.yaml'),
        completeTask('TASK-0007', `    - id: ok\n      command: [${node}, "-e", "process.exit(0)"]\n`),
      );
      const ws: EvidenceWorkspace = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await initContext(ws, 'TASK-0007', { clock: fixedClock, worktree: 'skip' });
      await writeFile(join(root, 'a.txt'), 'a\n');
      await writeFile(join(root, 'b.txt'), 'b\n');
      await writeFile(join(root, 'test.log'), 'Tests: 1 passed, 1 total\n');
      const first = await attachEvidence(ws, 'TASK-0007', { type: 'log', source: 'a.txt', description: 'a' });

      const dir = join(root, '.st3/tasks/TASK-0007');
      const indexFile = join(dir, 'evidence/index.json');
      const contextFile = join(dir, 'context.json');
      const index = await readJson(indexFile);
      await writeJson(indexFile, {
        ...index,
        reviewed_by: 'carol',
        entries: (index.entries as Json[]).map((e) => ({ ...e, ...extra })),
      });
      const context = await readJson(contextFile);
      await writeJson(contextFile, {
        ...context,
        ...extra,
        manifest: { ...(context.manifest as Json), pipeline_run: 99 },
        evidence: (context.evidence as Json[]).map((e) => ({ ...e, signed: true })),
      });
      await mkdir(join(dir, 'qa'), { recursive: true });
      await writeJson(join(dir, 'qa/runs.json'), { version: 1, runs: [], exported_to: 's3://bucket/x' });
      const check = async () => {
        const idx = await readJson(indexFile);
        expectKept(idx, { reviewed_by: 'carol' });
        expectKept(
          (idx.entries as Json[]).find((e) => e.id === first.entry.id),
          extra,
        );
        const ctx = await readJson(contextFile);
        expectKept(ctx, extra);
        expectKept(ctx.manifest, { pipeline_run: 99 });
        expectKept(
          (ctx.evidence as Json[]).find((e) => e.id === first.entry.id),
          { signed: true },
        );
        return { idx, ctx };
      };

      const second = await attachEvidence(ws, 'TASK-0007', { type: 'log', source: 'b.txt', description: 'b' });
      expect(second.created).toBe(true);
      expect((await check()).idx.entries).toHaveLength(2);
      const same = await attachEvidence(ws, 'TASK-0007', { type: 'log', source: 'a.txt', description: 'a again' });
      expect(same.created).toBe(false);
      expect(same.entry).not.toHaveProperty('ticket');
      await check();
      expect((await readEvidenceIndex(ws, 'TASK-0007')).entries[0]).not.toHaveProperty('ticket');

      const run = await runTaskValidation(ws, 'TASK-0007', { env: { PATH: process.env.PATH }, clock: fixedClock });
      expect(run.results.map((r) => r.status)).toEqual(['passed']);
      expect((await check()).ctx.validation_runs).toHaveLength(1);

      await recordQa(ws, 'TASK-0007', {
        command: 'pnpm test',
        exitCode: 0,
        durationMs: 10,
        log: 'test.log',
        kind: 'test',
        clock: fixedClock,
      });
      await check();
      const runs = await readJson(join(dir, 'qa/runs.json'));
      expectKept(runs, { exported_to: 's3://bucket/x' });
      expect(runs.runs).toHaveLength(1);
    });
  });
});
