// What run_status and validate_files say of a file they could not read: listed with its code
// (E_PARSE, E_SCHEMA, E_FILE_NOT_FOUND, E_FILE_READ) and isError, never dropped or counted as a
// mere invalid file — as `st3 execute` stops at an unreadable run record and `st3 validate` exits 2 or 3.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, texts, TRANSPORTS, workspaceSession } from './harness.js';

const now = new Date().toISOString();
const RUN = {
  version: 1,
  id: 'run-1',
  status: 'succeeded',
  createdAt: now,
  updatedAt: now,
  graphHash: 'x',
  graph: { nodes: [{ id: 'a' }], edges: [] },
  options: {},
  nodes: { a: { status: 'succeeded', attempts: [] } },
};

describe.each(TRANSPORTS)('unreadable inputs over %s', (transport) => {
  const c = workspaceSession(transport, {
    setup: async (dir) => {
      const runs = join(dir, '.st3/runs');
      await mkdir(runs, { recursive: true });
      await writeFile(join(runs, 'run-1.json'), JSON.stringify(RUN));
      await writeFile(join(runs, 'run-2.json'), '{"version": 1,\n  "id": ');
      // A failed run whose node status is misspelt: skipping it would leave only the green run-1.
      const bad = { ...RUN, id: 'run-3', status: 'failed', nodes: { a: { status: 'fialed', attempts: [] } } };
      await writeFile(join(runs, 'run-3.json'), JSON.stringify(bad));
      await symlink('loop.task.yaml', join(dir, 'loop.task.yaml'));
    },
  });

  it('run_status lists the records it cannot read, located, and is an error', async () => {
    const r = await call(c.client, 'run_status');
    expect(r.isError).toBe(true);
    const doc = r.structuredContent as { runs: { id: string }[]; unreadable: Record<string, unknown>[] };
    expect(doc.runs.map((x) => x.id)).toEqual(['run-1']);
    expect(doc.unreadable).toEqual([
      expect.objectContaining({ id: 'run-2', code: 'E_PARSE', line: 2, file: '.st3/runs/run-2.json' }),
      expect.objectContaining({ id: 'run-3', code: 'E_SCHEMA', line: 1, hint: expect.any(String) }),
    ]);
    expect(texts(r)[0]).toMatch(
      /^1 run; latest run-1 succeeded; 2 unreadable \(status unknown\): \.st3\/runs\/run-2\.json:2:\d+ E_PARSE, \.st3\/runs\/run-3\.json:1:\d+ E_SCHEMA$/,
    );
    // Files are named from the workspace root, as every other tool names them: never the server's absolute path.
    expect(doc.unreadable[1]!.file).toBe('.st3/runs/run-3.json');
    expect(texts(r).join('\n')).not.toContain(c.dir);
  });

  it('run_status with the id of an unreadable or missing record: the error names it from the workspace root', async () => {
    const bad = await call(c.client, 'run_status', { id: 'run-2' });
    expect(bad.isError).toBe(true);
    const error = (JSON.parse(texts(bad)[1]!) as { error: Record<string, unknown> }).error;
    expect(error).toEqual(
      expect.objectContaining({ code: 'E_PARSE', file: '.st3/runs/run-2.json', line: 2, column: expect.any(Number) }),
    );
    expect(texts(bad)[0]).toMatch(
      /^E_PARSE: run state \.st3\/runs\/run-2\.json is unreadable: .*\(\.st3\/runs\/run-2\.json:2:\d+\)$/,
    );
    const missing = await call(c.client, 'run_status', { id: 'run-9' });
    expect(JSON.parse(texts(missing)[1]!)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'E_RUN_NOT_FOUND', file: '.st3/runs/run-9.json' }),
    });
    expect([...texts(bad), ...texts(missing)].join('\n')).not.toContain(c.dir);
  });

  it('validate_files says a missing or unreadable file was not validated, with its code, apart from an invalid one', async () => {
    await writeFile(join(c.dir, 'broken.task.yaml'), 'schema_version: "1.1"\nid: [unclosed\n');
    const r = await call(c.client, 'validate_files', {
      paths: ['missing.task.yaml', 'loop.task.yaml', 'broken.task.yaml'],
    });
    expect(r.isError).toBe(true);
    const doc = r.structuredContent as {
      ok: boolean;
      files: { file: string; valid: boolean; error?: { code: string; message: string } }[];
      summary: Record<string, number>;
    };
    expect(doc.ok).toBe(false);
    expect(doc.files.map((f) => [f.file, f.valid, f.error?.code])).toEqual([
      ['missing.task.yaml', false, 'E_FILE_NOT_FOUND'],
      ['loop.task.yaml', false, 'E_FILE_READ'],
      ['broken.task.yaml', false, undefined],
    ]);
    expect(doc.files[1]!.error!.message).toContain('ELOOP');
    expect(doc.summary).toEqual({ files: 3, valid: 0, invalid: 3, not_validated: 2 });
    expect(texts(r)[0]).toMatch(
      /^3 files: 0 valid, 3 invalid \(2 not validated: missing\.task\.yaml E_FILE_NOT_FOUND, loop\.task\.yaml E_FILE_READ\); first error: /,
    );
  });
});
