// `st3 qa record -- <command>` whose output passes the qa_output evidence limit (the review's ~17 MiB of
// tsc lines): not measured and exit 1 — not E_EVIDENCE_TOO_LARGE with a 16 MiB log left in qa/.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, makeWorkspace, st3Tasks } from './cli.js';

const BIG_TSC = `
const line = (i) => \`src/file\${i % 100}.ts(\${(i % 500) + 1},5): error TS2322: Type 'string' is not assignable to type 'number'.\\n\`;
const out = []; let size = 0;
for (let i = 0; size < 17 * 1024 * 1024; i++) { const l = line(i); out.push(l); size += l.length; }
process.stdout.write(out.join(''), () => process.exit(2));
`;

type RecordDoc = { ok: boolean; baseline: boolean; not_measured: string | null; summary: { headline: string } };

describe('st3 qa record -- <command> with ~17 MiB of output', () => {
  it('exit 1, not measured (output cut at 10000000 bytes), not the baseline; the log in qa/ within the limit', async () => {
    const ws = await makeWorkspace({ files: { 'big-tsc.cjs': BIG_TSC } });
    try {
      const init = await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001');
      expect(init.code, init.stderr).toBe(0);
      const r = await st3Tasks(
        ws.dir,
        'qa',
        'record',
        'TASK-0001',
        '--kind',
        'typecheck',
        '--json',
        '--',
        process.execPath,
        'big-tsc.cjs',
      );
      expect(r.code, r.stdout).toBe(1);
      const doc = json<RecordDoc>(r);
      expect(doc).toMatchObject({ ok: false, baseline: false });
      expect(doc.not_measured).toMatch(/^output cut at 10000000 bytes \(the command wrote \d+\).*--report FILE/);
      expect(doc.summary.headline).toBe(`not measured: ${doc.not_measured}`);
      const qaDir = join(ws.dir, '.st3/tasks/TASK-0001/qa');
      const logs = (await readdir(qaDir)).filter((f) => f.endsWith('.log'));
      expect(logs).toHaveLength(1);
      expect((await stat(join(qaDir, logs[0]!))).size).toBeLessThanOrEqual(10_000_000);
    } finally {
      await ws.cleanup();
    }
  }, 60_000);
});
