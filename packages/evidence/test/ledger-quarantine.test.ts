import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addException,
  calendarDateProblem,
  cleanupExceptions,
  listQuarantined,
  queryExceptions,
  quarantineTask,
  readLedger,
  readQuarantineIndex,
  releaseQuarantined,
  repairQuarantined,
  repairYaml,
  resolveException,
  shouldShowWarning,
  validateTaskText,
} from '../src/index.js';
import { fixedClock, realWorld, withTemp } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

describe('exception ledger', () => {
  it('refuses a deadline no calendar has (E_USAGE, nothing written) and takes every real date', async () => {
    await withTemp(async (dir) => {
      const path = join(dir, 'docs/compliance/context-cache-exceptions.json');
      for (const deadline of ['2026-02-30', '2026-04-31', '2026-00-10', '2026-12-00', 'next week', ''])
        await expect(
          addException(path, { task_id: 'TASK-0001', exception_type: 'other', deadline }, fixedClock),
        ).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining(`deadline "${deadline}"`) });
      expect((await readLedger(path)).exceptions).toEqual([]);
    });
    // The same verdict as the calendar's, for every day of years 1 to 9999.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const date = new Date(0);
          date.setUTCFullYear(y, m - 1, d);
          const real = m >= 1 && m <= 12 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
          expect(calendarDateProblem(text) === undefined).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('adds idempotently, queries, resolves with notes, cleans up', async () => {
    await withTemp(async (dir) => {
      const path = join(dir, 'docs/compliance/context-cache-exceptions.json');
      const a = await addException(
        path,
        { task_id: 'TASK-0001', exception_type: 'malformed_yaml', parse_error: '3:4 bad' },
        fixedClock,
      );
      const b = await addException(path, { task_id: 'TASK-0001', exception_type: 'malformed_yaml' }, fixedClock);
      await addException(
        path,
        { task_id: 'TASK-0002', exception_type: 'incomplete_task', owner: 'alice', deadline: '2026-12-01' },
        fixedClock,
      );
      expect(a.created).toBe(true);
      expect(b.created).toBe(false);
      const ledger = await readLedger(path);
      expect(ledger).toMatchObject({ version: '1.0', last_updated: '2026-01-02T03:04:05.000Z' });
      expect(ledger.exceptions).toHaveLength(2);
      expect(ledger.exceptions[0]).toEqual({
        task_id: 'TASK-0001',
        exception_type: 'malformed_yaml',
        detected_at: '2026-01-02T03:04:05.000Z',
        remediation: { owner: 'unassigned', status: 'open', deadline: null, notes: '', resolved_at: null },
        parse_error: '3:4 bad',
        suppressed_warnings: [],
        auto_remove_on: 'task_deletion',
      });
      expect(
        queryExceptions(ledger, { status: 'open', exception_type: 'incomplete_task' }).map((e) => e.task_id),
      ).toEqual(['TASK-0002']);
      const resolved = await resolveException(path, 'TASK-0002', 'filled in the criteria', undefined, fixedClock);
      expect(resolved[0]!.remediation).toMatchObject({
        status: 'resolved',
        notes: 'filled in the criteria',
        resolved_at: '2026-01-02T03:04:05.000Z',
      });
      await expect(resolveException(path, 'TASK-0002', 'again')).rejects.toMatchObject({
        code: 'E_EXCEPTION_NOT_FOUND',
      });
      const removed = await cleanupExceptions(path, (id) => (id === 'TASK-0001' ? 'deleted' : 'completed'));
      expect(removed.map((e) => e.task_id).sort()).toEqual(['TASK-0001', 'TASK-0002']);
    });
  });

  it('suppresses a repeated warning while the task has an open exception', async () => {
    await withTemp(async (dir) => {
      const path = join(dir, 'ledger.json');
      expect(await shouldShowWarning(path, 'TASK-0001', 'W_X')).toBe(true);
      await addException(path, { task_id: 'TASK-0001', exception_type: 'incomplete_task' });
      expect(await shouldShowWarning(path, 'TASK-0001', 'W_X')).toBe(true);
      expect(await shouldShowWarning(path, 'TASK-0001', 'W_X')).toBe(false);
      expect((await readLedger(path)).exceptions[0]!.suppressed_warnings).toEqual(['W_X']);
    });
  });

  it('keeps every concurrent add (locked read-modify-write)', async () => {
    await withTemp(async (dir) => {
      const path = join(dir, 'ledger.json');
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          addException(path, { task_id: `TASK-${String(i).padStart(4, '0')}`, exception_type: 'other' }),
        ),
      );
      expect((await readLedger(path)).exceptions).toHaveLength(12);
    });
  });
});

describeWithFixtures('quarantine', () => {
  it('repairs the real backtick fault, logs attempts, releases to resolved/', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const file = 'tasks/TASK-0210-qa-suite-alignment.task.yaml';
      await writeFile(join(root, file), await readFile(join(realWorld, file.replace('tasks/', 'tasks/')), 'utf8'));
      const q = { root, dir: join(root, 'q'), clock: fixedClock };
      const broken = validateTaskText(await readFile(join(root, file), 'utf8'), file);
      await quarantineTask(q, 'TASK-0210', file, broken.errors[0]!);
      expect((await readQuarantineIndex(q)).entries.map((e) => [e.task_id, e.status])).toEqual([
        ['TASK-0210', 'quarantined'],
      ]);
      await expect(releaseQuarantined(q, 'TASK-0210')).rejects.toMatchObject({ code: 'E_TASK_QUARANTINED' });
      const dry = await repairQuarantined(q, 'TASK-0210', { dryRun: true });
      expect(dry.success).toBe(true);
      expect(validateTaskText(await readFile(join(root, file), 'utf8'), file).parseFailed).toBe(true);
      const real = await repairQuarantined(q, 'TASK-0210');
      expect(real.applied).toContain('quote_backtick_scalars');
      expect(real.entry.repair_attempts).toHaveLength(2);
      expect(validateTaskText(await readFile(join(root, file), 'utf8'), file).parseFailed).toBe(false);
      await releaseQuarantined(q, 'TASK-0210');
      expect((await readQuarantineIndex(q)).entries).toEqual([]);
      expect((await readdir(join(root, 'q/resolved')))[0]).toMatch(/^TASK-0210-.*\.json$/);
      expect((await readdir(join(root, 'q'))).sort()).toEqual(['index.json', 'resolved']);
    });
  });

  it('lists nothing short: an entry file the index does not list, or a listed task without its file, is E_QUARANTINE_INDEX_MISMATCH', async () => {
    await withTemp(async (root) => {
      const q = { root, dir: join(root, 'q'), clock: fixedClock };
      const error = { code: 'E_PARSE', severity: 'error' as const, message: 'tab', line: 3, column: 1 };
      await quarantineTask(q, 'TASK-0001', 'tasks/a.task.yaml', error);
      expect((await listQuarantined(q)).map((e) => e.task_id)).toEqual(['TASK-0001']);
      // A crash between the entry write and the index write leaves an entry the index does not list.
      await copyFile(join(root, 'q/TASK-0001.json'), join(root, 'q/TASK-0002.json'));
      await expect(listQuarantined(q)).rejects.toMatchObject({
        code: 'E_QUARANTINE_INDEX_MISMATCH',
        file: join(root, 'q/index.json'),
        message: expect.stringContaining('the index does not list: TASK-0002'),
      });
      await rm(join(root, 'q/TASK-0002.json'));
      await rm(join(root, 'q/TASK-0001.json'));
      await expect(listQuarantined(q)).rejects.toMatchObject({
        code: 'E_QUARANTINE_INDEX_MISMATCH',
        message: expect.stringContaining('without an entry file: TASK-0001'),
      });
    });
  });

  it('logs a failed attempt for a fault it must not guess at', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const file = 'tasks/TASK-0820-services-ports-adapters.task.yaml';
      await writeFile(join(root, file), await readFile(join(realWorld, file), 'utf8'));
      const q = { root, dir: join(root, 'q') };
      await quarantineTask(q, 'TASK-0820', file, {
        code: 'E_PARSE',
        severity: 'error',
        message: 'x',
        line: 1,
        column: 1,
      });
      const r = await repairQuarantined(q, 'TASK-0820');
      expect(r.success).toBe(false);
      expect(r.entry.repair_attempts[0]).toMatchObject({ success: false, error: expect.stringMatching(/^\d+:\d+ /) });
    });
  });

  it('fixes tabs, trailing whitespace, CRLF and the final newline', () => {
    const { text, applied } = repairYaml('\ufeffid: TASK-0001\r\nlist:\r\n\t- a  \r\n\t- b');
    expect(text).toBe('id: TASK-0001\nlist:\n  - a\n  - b\n');
    expect(applied).toEqual(['strip_bom', 'crlf_to_lf', 'tabs_to_spaces', 'trailing_whitespace', 'final_newline']);
  });
});

describe('repairYaml (property)', () => {
  it('is idempotent and never changes a file that already parses cleanly', () => {
    const line = fc.oneof(
      fc.constantFrom('a: 1', '- x', '\tb: 2', 'c: `cmd` here', '  - `q` y', 'd: v  ', '', '# c'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const once = repairYaml(text).text;
        expect(repairYaml(once).text).toBe(once);
        expect(repairYaml(once).applied).toEqual([]);
      }),
      { numRuns: 300 },
    );
    const clean = 'id: TASK-0001\nlist:\n  - a\n';
    expect(repairYaml(clean)).toEqual({ text: clean, applied: [] });
  });
});
