import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

async function workspace(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3'), { recursive: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'src', 'util.py'),
    'def load(path):\n    try:\n        return open(path).read()\n    except:\n        print("cannot read", path)\n\n\ndef twice(x):\n    return 2 * x\n',
  );
  await writeFile(
    join(dir, 'src', 'fmt.ts'),
    'export function fmt(x: any): string {\n  if (x == 1) return "one";\n  return String(x);\n}\n',
  );
  await writeFile(
    join(dir, 'graph.json'),
    JSON.stringify({
      nodes: [
        { id: 'load', path: 'src/util.py', startLine: 1, endLine: 5, complexity: 2 },
        { id: 'twice', path: 'src/util.py', startLine: 8, endLine: 9, complexity: 1 },
        { id: 'fmt', path: 'src/fmt.ts', startLine: 1, endLine: 4, complexity: 2 },
      ],
      edges: [{ from: 'twice', to: 'load' }],
    }),
  );
  await writeFile(
    join(dir, 'gen.mjs'),
    `
import { appendFileSync } from 'node:fs';
appendFileSync('feedback.log', process.argv[2] + ': ' + (process.env.ST3_FEEDBACK || '-') + '\\n');
`,
  );
}
const st3 = (dir: string, ...args: string[]) => runSt3(args, { cwd: dir });

describe('st3 review', () => {
  it('execute --review fills the queue; list, show, assign, approve, reject, edit, regenerate, stats', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      const gen = `"${process.execPath}" gen.mjs {id}`;
      const run = await st3(dir, 'execute', 'graph.json', '--run', gen, '--review', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(json(run).review.added).toHaveLength(3);

      const list = json(await st3(dir, 'review', 'list', '--json')).items;
      expect(list.map((i: { nodeId: string }) => i.nodeId)).toHaveLength(3);
      // Most urgent first: lowest confidence at the top.
      const scores = list.map((i: { confidence: { score: number } }) => i.confidence.score);
      expect([...scores].sort((a, b) => a - b)).toEqual(scores);
      const load = list.find((i: { nodeId: string }) => i.nodeId === 'load');
      expect(load.issues.map((i: { rule: string }) => i.rule)).toEqual(['python/bare-except', 'python/print']);
      const fmt = list.find((i: { nodeId: string }) => i.nodeId === 'fmt');
      expect(fmt.issues.map((i: { rule: string }) => i.rule)).toEqual(['ts/any', 'ts/loose-equality']);

      const lowest = json(await st3(dir, 'review', 'list', '--lowest', '34', '--json')).items;
      expect(lowest).toHaveLength(2);

      const shown = await st3(dir, 'review', 'show', load.id);
      expect(shown.stdout).toContain('python/bare-except');
      expect(shown.stdout).toContain('+ except Exception:');

      expect((await st3(dir, 'review', 'assign', load.id, '--reviewer', 'ana')).code).toBe(0);
      const badEdit = await st3(dir, 'review', 'edit', load.id, '--code', 'def load(:\n', '--json');
      expect(badEdit.code).toBe(1);
      expect(json(badEdit).error.code).toBe('E_REVIEW_INVALID_EDIT');
      // An edit is validated, written over the item's lines, and approves the item.
      await writeFile(join(dir, 'fixed.py'), 'def load(path):\n    with open(path) as f:\n        return f.read()\n');
      const edited = json(await st3(dir, 'review', 'edit', load.id, '--file', 'fixed.py', '--json')).item;
      expect(edited).toMatchObject({
        status: 'approved',
        issues: [],
        validation: { ok: true },
        applied: { by: 'ana' },
      });
      expect(await readFile(join(dir, 'src', 'util.py'), 'utf8')).toBe(
        'def load(path):\n    with open(path) as f:\n        return f.read()\n\n\ndef twice(x):\n    return 2 * x\n',
      );
      const late = await st3(dir, 'review', 'approve', load.id, '--json');
      expect([late.code, json(late).error.code]).toEqual([2, 'E_REVIEW_TRANSITION']);

      const twice = list.find((i: { nodeId: string }) => i.nodeId === 'twice');
      await st3(dir, 'review', 'assign', twice.id, '--reviewer', 'bo');
      const noFeedback = await st3(dir, 'review', 'reject', twice.id, '--json');
      expect(json(noFeedback).error.code).toBe('E_REVIEW_FEEDBACK_REQUIRED');
      expect(
        json(await st3(dir, 'review', 'reject', twice.id, '--feedback', 'use a multiplier argument', '--json')).item
          .status,
      ).toBe('rejected');

      await st3(dir, 'review', 'assign', fmt.id, '--reviewer', 'ana');
      expect(
        json(await st3(dir, 'review', 'regenerate', fmt.id, '--feedback', 'type x as number', '--json')).item.status,
      ).toBe('needs_regeneration');

      const stats = json(await st3(dir, 'review', 'stats', '--json')).stats;
      expect(stats.byStatus).toMatchObject({ approved: 1, rejected: 1, needs_regeneration: 1 });
      expect(stats.byReviewer).toEqual({ ana: 2, bo: 1 });
      const text = await st3(dir, 'review', 'stats');
      expect(text.stdout).toMatch(/approval rate 33%/);

      // The next run skips the approved node, passes the reviewers' feedback to the others, and their
      // new code goes back to their own items (one item per node).
      await writeFile(join(dir, 'feedback.log'), '');
      const again = await st3(dir, 'execute', 'graph.json', '--run', gen, '--review', '--json');
      expect(again.code, again.stderr).toBe(0);
      const feedbackLog = (await readFile(join(dir, 'feedback.log'), 'utf8')).trim().split('\n').sort();
      expect(feedbackLog).toEqual([
        'fmt: Reviewer feedback: type x as number',
        'twice: Reviewer feedback: use a multiplier argument',
      ]);
      const after = json(await st3(dir, 'review', 'list', '--json')).items;
      expect(after.map((i: { id: string; status: string }) => `${i.id}:${i.status}`).sort()).toEqual(
        [`${load.id}:approved`, `${twice.id}:pending`, `${fmt.id}:pending`].sort(),
      );
    });
  }, 120_000);

  it('takes generated code and confidence signals from a JSON last line of the command output; runs source paths through the atomizer', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      await writeFile(
        join(dir, 'emit.mjs'),
        `
const id = process.argv[2];
console.log('generating ' + id);
console.log(JSON.stringify({ code: 'def gen():\\n    global state\\n    return 1\\n', validation: 1, integrationTests: { passed: 1, total: 2 } }));
`,
      );
      const run = await st3(
        dir,
        'execute',
        'src/util.py',
        '--run',
        `"${process.execPath}" emit.mjs {id}`,
        '--review',
        '--json',
      );
      expect(run.code, run.stderr).toBe(0);
      const doc = json(run);
      // The atomizer found the two Python functions of src/util.py.
      expect(Object.keys(doc.nodes).every((id) => id.startsWith('src/util.py'))).toBe(true);
      expect(Object.keys(doc.nodes).length).toBeGreaterThanOrEqual(2);
      const items = json(await st3(dir, 'review', 'list', '--json')).items;
      expect(items[0].code).toBe('def gen():\n    global state\n    return 1\n');
      expect(items[0].issues.map((i: { rule: string }) => i.rule)).toEqual(['python/global']);
      expect(items[0].confidence.components).toMatchObject({ validation: 1, attempts: 1, integrationTests: 0.5 });
    });
  }, 120_000);

  it('answers --help with every sub-verb and rejects unknown ones', async () => {
    const help = await runSt3(['review', '--help']);
    expect(help.code).toBe(0);
    for (const verb of ['list', 'show', 'assign', 'approve', 'reject', 'edit', 'regenerate', 'serve', 'stats'])
      expect(help.stdout).toContain(`st3 review ${verb}`);
    const bad = await runSt3(['review', 'nope', '--json']);
    expect(bad.code).toBe(2);
  });
});
