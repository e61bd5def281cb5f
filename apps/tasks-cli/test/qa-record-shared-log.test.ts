// `st3 qa record` of a log attached before as another type: the run's evidence is that entry (attachments
// dedupe by content), and the record says which type it is, never a qa_output that was not stored.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkspace, st3Tasks } from './cli.js';

describe('st3 qa record of a log already attached as a log', () => {
  it('names the entry it kept: (log, attached before with the same bytes)', async () => {
    const ws = await makeWorkspace();
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const log = await readFile(
        new URL('../../../packages/evidence/test/fixtures/qa/eslint-stylish.txt', import.meta.url),
        'utf8',
      );
      await writeFile(join(ws.dir, 'lint.txt'), log);
      const attach = await st3Tasks(
        ws.dir,
        'tasks',
        'evidence',
        'attach',
        'TASK-0001',
        '--type',
        'log',
        '--file',
        'lint.txt',
        '--description',
        'lint log',
      );
      expect(attach.code, attach.stderr).toBe(0);
      const record = await st3Tasks(
        ws.dir,
        'qa',
        'record',
        'TASK-0001',
        '--command',
        'pnpm lint',
        '--exit-code',
        '1',
        '--log',
        'lint.txt',
      );
      expect(record.stdout + record.stderr).toMatch(
        /evidence [0-9a-f]{16} \(log, attached before with the same bytes\)/,
      );
      expect(record.stdout + record.stderr).not.toContain('(qa_output)');
    } finally {
      await ws.cleanup();
    }
  });
});
