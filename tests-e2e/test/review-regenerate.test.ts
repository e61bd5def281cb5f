import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

const CALC = `export function mul(a: number, b: number): number {\n  // TODO: mul\n  throw new Error('TODO');\n}\n`;
/**
 * Answers a + b until the prompt carries a reviewer's request for multiplication; logs every prompt it gets.
 * Its `var` is a detected issue, so confidence stays below --review-below 1 and every answer is queued.
 */
const AGENT = `import { appendFileSync } from 'node:fs';
let s = '';
for await (const c of process.stdin) s += c;
appendFileSync('prompts.log', JSON.stringify(s) + '\\n');
const expr = s.includes('use multiplication') ? 'a * b' : 'a + b';
process.stdout.write('\\x60\\x60\\x60ts\\nexport function mul(a: number, b: number): number {\\n  var r = ' + expr + ';\\n  return r;\\n}\\n\\x60\\x60\\x60\\n');
`;

describe('st3 review regenerate --agent', () => {
  it('regenerates the node at once with the feedback; the item returns to the queue with the new code; approve writes it', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await mkdir(join(dir, 'src'));
      await writeFile(join(dir, 'src', 'calc.ts'), CALC);
      await writeFile(join(dir, 'agent.mjs'), AGENT);
      await writeFile(
        join(dir, '.st3', 'config', 'agents.yaml'),
        `version: 1\nagents:\n  script: {kind: command, command: [${JSON.stringify(process.execPath)}, agent.mjs]}\n`,
      );
      // --review-below 1: every change is queued, nothing is written by the run itself.
      const first = await runSt3(
        ['execute', 'src', '--agent', 'script', '--instruction', 'Implement it.', '--review-below', '1', '--json'],
        { cwd: dir },
      );
      expect(first.code, first.stderr).toBe(0);
      const queued = (json(first).review.queued as { id: string }[]).map((q) => q.id);
      expect(queued).toHaveLength(1);
      const id = queued[0]!;
      const before = json(await runSt3(['review', 'show', id, '--json'], { cwd: dir })).item;
      expect(before.code).toContain('var r = a + b;');

      // Without an agent the feedback waits for the next run; with one the node runs again now.
      const r = await runSt3(
        ['review', 'regenerate', id, '--feedback', 'use multiplication, not addition', '--agent', 'script', '--json'],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = json(r);
      expect(doc).toMatchObject({ ok: true, regenerated: true, item: { id, status: 'pending' } });
      expect(doc.item.code).toContain('var r = a * b;');
      const prompts = (await readFile(join(dir, 'prompts.log'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as string);
      expect(prompts).toHaveLength(2);
      expect(prompts[0]).not.toContain('use multiplication');
      expect(prompts[1]).toContain('## Reviewer feedback on an earlier version\n\nuse multiplication, not addition');
      expect(prompts[1]).toContain('Implement it.');
      // One item per node, and nothing written before a reviewer approves.
      const items = json(await runSt3(['review', 'list', '--json'], { cwd: dir })).items;
      expect(items.map((i: { id: string }) => i.id)).toEqual([id]);
      expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(CALC);

      const approved = await runSt3(['review', 'approve', id, '--json'], { cwd: dir });
      expect(approved.code, approved.stderr).toBe(0);
      expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(
        'export function mul(a: number, b: number): number {\n  var r = a * b;\n  return r;\n}\n',
      );
      // A re-run finds the node approved: no third prompt.
      const again = await runSt3(['execute', 'src', '--agent', 'script', '--instruction', 'Implement it.', '--json'], {
        cwd: dir,
      });
      expect(again.code, again.stderr).toBe(0);
      expect((await readFile(join(dir, 'prompts.log'), 'utf8')).trim().split('\n')).toHaveLength(2);
    });
  }, 120_000);
});
