import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, TRANSPORTS, workspaceSession } from './harness.js';
import { git } from './workspace.js';

const ID = 'TASK-0001';

describe.each(TRANSPORTS)('task, evidence and QA tools over %s', (transport) => {
  const c = workspaceSession(transport);
  const ws = c;

  it('task_list, task_show, task_validate', async () => {
    const list = await ok(c.client, 'task_list');
    expect(list.tasks.map((t: { id: string }) => t.id)).toEqual([ID]);
    expect((await ok(c.client, 'task_list', { status: 'completed' })).tasks).toEqual([]);
    const shown = await ok(c.client, 'task_show', { id: ID });
    expect(shown.location.id).toBe(ID);
    expect(shown.task.title).toBe('Record evidence for the example workspace');
    expect(await failure(c.client, 'task_show', { id: 'TASK-9999' })).toMatch(/^E_TASK/);
    expect((await ok(c.client, 'task_validate')).checked).toBe(1);
    await writeFile(
      join(ws.dir, 'tasks/TASK-0002-broken.task.yaml'),
      'schema_version: "1.1"\nid: TASK-0002\ntitle: [x\n',
    );
    const bad = await call(c.client, 'task_validate', { paths: ['tasks/TASK-0002-broken.task.yaml'] });
    expect(bad.isError).toBe(true);
    expect((bad.structuredContent as { failed: number }).failed).toBe(1);
    // The broken file was for this check only: the tests after it start from the committed (clean) tree.
    await rm(join(ws.dir, 'tasks/TASK-0002-broken.task.yaml'));
    // No task file to check is an error, never an empty pass (as `st3 tasks validate`).
    await rename(join(ws.dir, 'tasks'), join(ws.dir, 'tasks-away'));
    try {
      expect(await failure(c.client, 'task_validate')).toBe('E_TASK_NO_FILES');
    } finally {
      await rename(join(ws.dir, 'tasks-away'), join(ws.dir, 'tasks'));
    }
  });

  it('task_init_context and task_context_show', async () => {
    const init = await ok(c.client, 'task_init_context', { id: ID });
    expect(init.context.manifest.task_id).toBe(ID);
    expect(init.context.immutable.snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
    const shown = await ok(c.client, 'task_context_show', { id: ID });
    expect(shown.snapshot_intact).toBe(true);
    expect(await failure(c.client, 'task_context_show', { id: 'TASK-0404' })).toBe('E_CONTEXT_NOT_FOUND');
    expect((await ok(c.client, 'task_context_diff', { id: ID })).task_file_changed).toBe(false);
    const file = join(ws.dir, 'tasks/TASK-0001-example-evidence.task.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('title: "Record evidence for the example workspace"', 'title: "Renamed"'));
    const diff = await call(c.client, 'task_context_diff', { id: ID });
    expect(diff.isError).toBe(true);
    const doc = diff.structuredContent as { patch: string; immutable: { field: string }[] };
    expect(doc.patch).toContain('+title: "Renamed"');
    expect(doc.immutable.map((f) => f.field)).toEqual(['title']);
    await writeFile(file, before);
  });

  it('evidence_attach, evidence_list, evidence_verify', async () => {
    await writeFile(join(ws.dir, 'build.log'), 'build ok\n');
    const attached = await ok(c.client, 'evidence_attach', {
      id: ID,
      type: 'log',
      path: 'build.log',
      description: 'build log',
    });
    expect(attached.created).toBe(true);
    expect(
      (await ok(c.client, 'evidence_attach', { id: ID, type: 'log', path: 'build.log', description: 'build log' }))
        .created,
    ).toBe(false);
    const list = await ok(c.client, 'evidence_list', { id: ID });
    expect(list.entries.map((e: { id: string }) => e.id)).toEqual([attached.entry.id]);
    expect((await ok(c.client, 'evidence_verify', { id: ID })).ok).toBe(true);
    expect(await failure(c.client, 'evidence_attach', { id: ID, type: 'log', path: '../../etc/passwd' })).toBe(
      'E_PATH_ESCAPE',
    );
  });

  it('standards_attach and standards_verify (stale after the standard changes)', async () => {
    const r = await ok(c.client, 'standards_attach', {
      id: ID,
      file: 'standards/engineering.md',
      section: 'Validation',
    });
    expect(r.excerpt.file).toBe('standards/engineering.md');
    expect(r.excerpt.section).toMatch(/^validation$/i);
    expect(
      (await ok(c.client, 'standards_verify', { id: ID })).excerpts.every(
        (e: { status: string }) => e.status === 'fresh',
      ),
    ).toBe(true);
    await writeFile(
      join(ws.dir, 'standards/engineering.md'),
      '# E\n\n## Validation\n\nChanged.\n\n## Evidence\n\nChanged too.\n',
    );
    const stale = await call(c.client, 'standards_verify', { id: ID });
    expect(stale.isError).toBe(true);
    const dropped = await call(c.client, 'standards_verify', { id: ID, invalidate: true });
    expect(dropped.isError).toBe(true); // the stale excerpts are reported as they are dropped
    const staleCount = (stale.structuredContent as { excerpts: { status: string }[] }).excerpts.filter(
      (e) => e.status !== 'fresh',
    ).length;
    expect(staleCount).toBeGreaterThanOrEqual(1);
    expect((dropped.structuredContent as { invalidated: number }).invalidated).toBe(staleCount);
    // Every excerpt went stale and was dropped: none is left, so the next verify verifies nothing, which
    // is no pass (isError, no_excerpts), never an empty "0 excerpts: 0 fresh" success.
    const after = await call(c.client, 'standards_verify', { id: ID });
    expect(after.isError).toBe(true);
    expect(after.structuredContent).toMatchObject({ ok: false, no_excerpts: true, excerpts: [] });
  });

  it('exceptions_add, exceptions_list, exceptions_resolve, exceptions_cleanup', async () => {
    const added = await ok(c.client, 'exceptions_add', { id: ID, type: 'incomplete_task', owner: 'ana' });
    expect(added.created).toBe(true);
    expect((await ok(c.client, 'exceptions_add', { id: ID, type: 'incomplete_task' })).created).toBe(false);
    expect((await ok(c.client, 'exceptions_list', { status: 'unresolved' })).exceptions).toHaveLength(1);
    expect((await ok(c.client, 'exceptions_resolve', { id: ID, notes: 'fixed' })).resolved).toHaveLength(1);
    expect(await failure(c.client, 'exceptions_resolve', { id: ID, notes: 'again' })).toBe('E_EXCEPTION_NOT_FOUND');
    await ok(c.client, 'exceptions_add', { id: 'TASK-0777', type: 'incomplete_task', autoRemoveOn: 'task_deletion' });
    const cleaned = await ok(c.client, 'exceptions_cleanup');
    expect(cleaned.removed.map((e: { task_id: string }) => e.task_id)).toEqual(['TASK-0777']);
  });

  it('quarantine_list, quarantine_repair, quarantine_release', async () => {
    const { quarantineTask } = await import('@st3/evidence');
    const file = 'tasks/TASK-0003-tabs.task.yaml';
    await writeFile(join(ws.dir, file), 'schema_version: "1.1"\nid: TASK-0003\ntitle: tabs\nscope:\n\tin: [a]\n');
    await quarantineTask({ root: ws.dir, dir: join(ws.dir, 'docs/compliance/quarantine') }, 'TASK-0003', file, {
      code: 'E_YAML',
      severity: 'error',
      message: 'tab',
      line: 5,
      column: 1,
    });
    expect((await ok(c.client, 'quarantine_list')).entries.map((e: { task_id: string }) => e.task_id)).toEqual([
      'TASK-0003',
    ]);
    const repaired = await ok(c.client, 'quarantine_repair', { id: 'TASK-0003' });
    expect(repaired.applied.length).toBeGreaterThan(0);
    expect((await ok(c.client, 'quarantine_release', { id: 'TASK-0003' })).entry.task_id).toBe('TASK-0003');
    expect(await failure(c.client, 'quarantine_repair', { id: 'TASK-0404' })).toBe('E_QUARANTINE_NOT_FOUND');
  });

  it('run_validation: the validation commands of the context, recorded', async () => {
    const r = await ok(c.client, 'run_validation', { id: ID });
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.results.every((x: { status: string }) => x.status === 'passed')).toBe(true);
    expect((await ok(c.client, 'task_context_show', { id: ID })).context.validation_runs.length).toBe(r.results.length);
    expect(await failure(c.client, 'run_validation', { id: ID, commandIds: ['nope'] })).toBe('E_USAGE');
  });

  it('run_validation runs as `st3 tasks run-validation`: the server environment, outputs kept as QA artifacts', async () => {
    const example = await readFile(join(ws.dir, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8');
    // Exit 7 when the command does not get the server's environment (no PATH).
    const task = example
      .replace(/^id: TASK-0001$/m, 'id: TASK-0005')
      .replace('command: node --version', 'command: [node, -e, "process.exit(process.env.PATH ? 0 : 7)"]');
    await writeFile(join(ws.dir, 'tasks/TASK-0005-env.task.yaml'), task);
    // The new task file is uncommitted: recorded in the worktree snapshot, not refused (E_DIRTY_TREE).
    await ok(c.client, 'task_init_context', { id: 'TASK-0005', allowPreexistingDirty: true });
    const r = await ok(c.client, 'run_validation', { id: 'TASK-0005' });
    expect(r.results.map((x: { status: string }) => x.status)).toEqual(['passed']);
    expect(r.counts).toEqual({ passed: 1, failed: 0, not_run: 0, skipped: 0 });
    expect(r.artifacts.map((a: { command_id: string }) => a.command_id)).toEqual(['cmd-1']);
    const evidence = (await ok(c.client, 'evidence_list', { id: 'TASK-0005' })).entries;
    expect(evidence.map((e: { id: string; type: string }) => [e.id, e.type])).toEqual([
      [r.artifacts[0].evidence_id, 'qa_output'],
    ]);
    // A task whose only validation entry is no command (left out at init): an error, never an empty pass.
    await writeFile(
      join(ws.dir, 'tasks/TASK-0006-none.task.yaml'),
      task.replace(/^id: TASK-0005$/m, 'id: TASK-0006').replace(/^ {4}- command: .*$/m, '    - cmd: 42'),
    );
    await ok(c.client, 'task_init_context', { id: 'TASK-0006', allowPreexistingDirty: true });
    expect(await failure(c.client, 'run_validation', { id: 'TASK-0006' })).toBe('E_VALIDATION_NO_COMMANDS');
  });

  it('worktree_snapshot and worktree_verify (drift is a failed check)', async () => {
    git(ws.dir, 'add', '-A');
    git(ws.dir, 'commit', '-q', '-m', 'work');
    const snap = await ok(c.client, 'worktree_snapshot', { id: ID });
    expect(snap.snapshot.head).toMatch(/^[0-9a-f]{40}$/);
    expect((await ok(c.client, 'worktree_verify', { id: ID })).clean).toBe(true);
    await writeFile(join(ws.dir, 'src/util.ts'), 'export const changed = true;\n');
    const drift = await call(c.client, 'worktree_verify', { id: ID });
    expect(drift.isError).toBe(true);
    expect((drift.structuredContent as { changed: { path: string }[] }).changed.map((x) => x.path)).toContain(
      'src/util.ts',
    );
    git(ws.dir, 'checkout', '--', 'src/util.ts');
  });

  it('qa_record (a run and a log) and qa_drift', async () => {
    await mkdir(join(ws.dir, 'logs'), { recursive: true });
    const first = await ok(c.client, 'qa_record', { id: ID, argv: ['node', 'tools/fake-tests.mjs'], kind: 'test' });
    expect(first.summary.kind).toBe('test');
    expect(first.baseline).toBe(true);
    expect((await ok(c.client, 'qa_drift', { id: ID })).regression).toBe(false);
    await writeFile(
      join(ws.dir, 'logs/tests.json'),
      JSON.stringify({
        numTotalTests: 1,
        numFailedTests: 1,
        testResults: [
          {
            name: 'x',
            assertionResults: [{ fullName: 'adds', title: 'adds', status: 'failed', failureMessages: ['boom'] }],
          },
        ],
      }),
    );
    // A failing run that regressed is recorded, and the call fails saying so (as `st3 qa record` exits 1).
    const recorded = await call(c.client, 'qa_record', {
      id: ID,
      command: 'node tools/fake-tests.mjs',
      log: 'logs/tests.json',
      exitCode: 1,
      kind: 'test',
    });
    expect(recorded.isError).toBe(true);
    const second = recorded.structuredContent as { ok: boolean; baseline: boolean; drift: { regression: boolean } };
    expect([second.ok, second.baseline, second.drift.regression]).toEqual([false, false, true]);
    const drift = await call(c.client, 'qa_drift', { id: ID });
    expect(drift.isError).toBe(true);
    expect((drift.structuredContent as { regression: boolean }).regression).toBe(true);
    // No command is E_USAGE; a command alone is split and run (as `st3 qa record --command x`).
    expect(await failure(c.client, 'qa_record', { id: ID })).toBe('E_USAGE');
    expect(await failure(c.client, 'qa_record', { id: ID, command: 'x' })).toBe('E_TOOL_NOT_FOUND');
  });

  it('qa_drift lists a command whose runs measured nothing (no baseline) beside the others, as st3 qa drift does', async () => {
    await writeFile(join(ws.dir, 'logs/tsc.log'), '');
    const empty = await call(c.client, 'qa_record', {
      id: ID,
      command: 'tsc -p b',
      log: 'logs/tsc.log',
      exitCode: 2,
      kind: 'typecheck',
    });
    expect(empty.isError).toBe(true);
    const drift = await call(c.client, 'qa_drift', { id: ID });
    expect(drift.isError).toBe(true);
    expect(drift.structuredContent).toMatchObject({
      ok: false,
      reports: [{ key: 'test:node tools/fake-tests.mjs' }],
      no_baseline: [{ key: 'typecheck:tsc -p b', current: { exit_code: 2 } }],
    });
    expect((drift.content[0] as { text: string }).text).toContain('not measured (no baseline): typecheck:tsc -p b');
  });
});

describe('task_validate with quarantine (st3 tasks validate --quarantine)', () => {
  const c = workspaceSession('stdio');

  it('quarantines the files that do not parse and records them in the exception ledger', async () => {
    await writeFile(
      join(c.dir, 'tasks/TASK-0002-broken.task.yaml'),
      'schema_version: "1.1"\nid: TASK-0002\ntitle: [x\n',
    );
    const plain = await call(c.client, 'task_validate');
    expect((plain.structuredContent as { quarantined: string[] }).quarantined).toEqual([]);
    expect((await ok(c.client, 'quarantine_list')).entries).toEqual([]);

    const r = await call(c.client, 'task_validate', { quarantine: true });
    expect(r.isError).toBe(true);
    const doc = r.structuredContent as { failed: number; quarantined: string[] };
    expect(doc).toMatchObject({ failed: 1, quarantined: ['TASK-0002'] });
    expect(r.content[0]).toMatchObject({ text: expect.stringMatching(/quarantined TASK-0002$/) });
    const entries = (await ok(c.client, 'quarantine_list')).entries as { task_id: string; original_path: string }[];
    expect(entries).toMatchObject([{ task_id: 'TASK-0002', original_path: 'tasks/TASK-0002-broken.task.yaml' }]);
    const exceptions = (await ok(c.client, 'exceptions_list', { status: 'unresolved' })).exceptions as {
      task_id: string;
      exception_type: string;
      parse_error: string;
    }[];
    expect(exceptions).toMatchObject([{ task_id: 'TASK-0002', exception_type: 'malformed_yaml' }]);
    expect(exceptions[0]!.parse_error).toMatch(/^\d+:\d+ Flow sequence/);
  });
});

describe('task_validate with quarantine: a broken file with no task id', () => {
  const c = workspaceSession('stdio');

  it('is listed in not_quarantined and named in the summary (only a CLI warning said so)', async () => {
    await writeFile(join(c.dir, 'tasks/notes.task.yaml'), 'schema_version: "1.1"\ntitle: [x\n');
    const r = await call(c.client, 'task_validate', { quarantine: true });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ quarantined: [], not_quarantined: ['tasks/notes.task.yaml'] });
    expect(r.content[0]).toMatchObject({ text: expect.stringMatching(/; NOT quarantined: tasks\/notes\.task\.yaml$/) });
  });
});
