import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TASKS_CONFIG, initContext, recordQa, summarizeQa } from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const fixture = (name: string) => readFile(new URL(`./fixtures/qa/${name}`, import.meta.url), 'utf8');
const base = { command: 'tsc --noEmit', exitCode: 2, durationMs: 5, root: '/tmp/tsc-sample' };
const unreadable = expect.objectContaining({ code: 'E_QA_LOG_UNREADABLE' });

describe('tsc logs in st3 qa: the errors read must add up to tsc\'s "Found N errors"', () => {
  it('reads the real pretty (coloured) output: 3 errors, as its summary says', async () => {
    for (const kind of [undefined, 'typecheck' as const]) {
      const s = summarizeQa({ ...base, text: await fixture('tsc-pretty.txt'), ...(kind ? { kind } : {}) });
      expect(s).toMatchObject({ kind: 'typecheck', format: 'tsc-text', headline: '3 errors, 0 warnings' });
      expect(s.issues!.list.map((i) => [i.file, i.line, i.rule])).toEqual([
        ['src/a.ts', 1, 'TS2322'],
        ['src/b.ts', 1, 'TS2322'],
        ['src/b.ts', 2, 'TS2322'],
      ]);
    }
  });

  it('reads the plain format as before (no summary line to check)', async () => {
    const s = summarizeQa({ ...base, text: await fixture('tsc.txt'), kind: 'typecheck' });
    expect(s.headline).toBe('2 errors, 0 warnings');
  });

  it('a summary that disagrees with the errors read is E_QA_LOG_UNREADABLE, never "0 errors"', () => {
    const logs = [
      'src/a.ts:3:5 - error TS2322: x\n\nFound 2 errors in 2 files.\n',
      'Found 2 errors in 1 file.\n',
      'src/a.ts(3,5): error TS2322: x\nFound 2 errors in the same file, starting at: src/a.ts:3\n',
      '[10:00:00 AM] Found 1 error. Watching for file changes.\n',
    ];
    for (const text of logs) {
      expect(() => summarizeQa({ ...base, text, kind: 'typecheck' }), text).toThrow(unreadable);
      expect(() => summarizeQa({ ...base, text }), text).toThrow(unreadable);
    }
    expect(() => summarizeQa({ ...base, text: logs[0]! })).toThrow(/summary says 2 errors, 1 was read/);
  });

  it('counts both line forms and errors without a file, against the summary', () => {
    const text = [
      'src/a.ts:3:5 - error TS2322: pretty',
      '',
      'src/b.ts(1,2): error TS1005: plain',
      'error TS18003: No inputs were found in config file',
      'Found 3 errors in 2 files.',
      '',
    ].join('\n');
    const s = summarizeQa({ ...base, text, kind: 'typecheck' });
    expect(s.headline).toBe('3 errors, 0 warnings');
    expect(s.issues!.by_rule).toEqual({
      TS2322: { errors: 1, warnings: 0 },
      TS1005: { errors: 1, warnings: 0 },
      TS18003: { errors: 1, warnings: 0 },
    });
    expect(summarizeQa({ ...base, text: 'Found 0 errors. Watching for file changes.\n', exitCode: 0 }).headline).toBe(
      '0 errors, 0 warnings',
    );
  });

  it('recordQa refuses the log and records nothing (no run, no baseline)', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      await writeFile(join(root, 'tasks/TASK-0001-a.task.yaml'), completeTask('TASK-0001'));
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      await writeFile(join(root, 'tcp.log'), 'src/a.ts:3:5 - error TS2322: x\n\nFound 2 errors in 2 files.\n');
      await expect(
        recordQa(ws, 'TASK-0001', {
          command: 'tsc --noEmit',
          exitCode: 2,
          durationMs: 1,
          log: 'tcp.log',
          kind: 'typecheck',
        }),
      ).rejects.toMatchObject({ code: 'E_QA_LOG_UNREADABLE' });
      expect(existsSync(join(root, '.st3/tasks/TASK-0001/qa/runs.json'))).toBe(false);
    });
  });
});
