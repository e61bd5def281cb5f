import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspaceFiles, replacementHunk } from '../src/index.js';

const render = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function workspace(text: string) {
  const root = await mkdtemp(join(tmpdir(), 'st3-ws-'));
  dirs.push(root);
  await writeFile(join(root, 'f.ts'), text);
  return root;
}

/** Separate objects stand for separate processes: nothing is shared but the disk. */
const processes = (root: string, n: number) =>
  Array.from({ length: n }, () => createWorkspaceFiles(root, { editLog: join(root, '.st3', 'edits') }));

describe('workspaces sharing an edit log (worker processes writing atoms of one file)', () => {
  it('edits of different atoms made on the same base, applied by different writers, land as if applied at once', async () => {
    const segments = fc.array(
      fc.array(fc.constantFrom('}', '', 'return x;', '{', 'x++;'), { minLength: 1, maxLength: 4 }),
      { minLength: 1, maxLength: 6 },
    );
    const scenario = segments.chain((segs) =>
      fc.record({
        segs: fc.constant(segs),
        bodies: fc.array(fc.option(fc.array(fc.constantFrom('}', '', 'y();', '{'), { maxLength: 4 })), {
          minLength: segs.length,
          maxLength: segs.length,
        }),
        writer: fc.array(fc.nat({ max: 2 }), { minLength: segs.length, maxLength: segs.length }),
        order: fc.array(fc.nat(), { minLength: segs.length, maxLength: segs.length }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ segs, bodies, writer, order }) => {
        const base = render(segs.flat());
        const root = await workspace(base);
        const writers = processes(root, 3);
        let line = 1;
        const edits = segs.map((s, i) => {
          const start = line;
          line += s.length;
          const body = bodies[i];
          return body ? { i, hunk: replacementHunk(start, start + s.length - 1, render(body)) } : undefined;
        });
        const sequence = edits.filter((e) => e !== undefined).sort((a, b) => order[a.i]! - order[b.i]! || a.i - b.i);
        for (const e of sequence)
          await writers[writer[e.i]!]!.applyEdit('f.ts', { base, hunks: [e.hunk], label: `atom${e.i}` });
        expect(await readFile(join(root, 'f.ts'), 'utf8')).toBe(
          render(segs.flatMap((s, i) => (bodies[i] ? bodies[i]! : s))),
        );
        await rm(root, { recursive: true, force: true });
      }),
      { numRuns: 60 },
    );
  });

  it('a change by other means is a conflict (regenerate), never merged by guessing; the log then starts again', async () => {
    const base = render(['a', 'b', 'c', 'd']);
    const root = await workspace(base);
    const [one, two] = processes(root, 2);
    await one!.applyEdit('f.ts', { base, hunks: [replacementHunk(1, 1, 'A\n')], label: 'first' });
    const edited = render(['A', 'b', 'c', 'd', 'editor']);
    await writeFile(join(root, 'f.ts'), edited);
    await expect(
      two!.applyEdit('f.ts', { base, hunks: [replacementHunk(3, 3, 'C\n')], label: 'second' }),
    ).rejects.toMatchObject({ code: 'E_APPLY_CONFLICT', category: 'context' });
    expect(await readFile(join(root, 'f.ts'), 'utf8')).toBe(edited);
    // Generated again from the file as it is now: applies, and the editor's line is kept.
    const again = await two!.applyEdit('f.ts', {
      base: edited,
      hunks: [replacementHunk(3, 3, 'C\n')],
      label: 'second',
    });
    expect(again.after).toBe(render(['A', 'b', 'C', 'd', 'editor']));
  });

  it('edits of the same lines by two writers: the second is refused and names the first', async () => {
    const base = render(['a', 'b', 'c']);
    const root = await workspace(base);
    const [one, two] = processes(root, 2);
    await one!.applyEdit('f.ts', { base, hunks: [replacementHunk(2, 2, 'B\n')], label: 'node-1' });
    expect(await readFile(join(root, '.st3', 'edits', '.gitignore'), 'utf8')).toMatch(/^\*$/m); // never in git status
    const refused = two!.applyEdit('f.ts', { base, hunks: [replacementHunk(2, 3, 'X\n')], label: 'node-2' });
    await expect(refused).rejects.toMatchObject({ code: 'E_APPLY_CONFLICT' });
    await expect(refused).rejects.toThrow(/changed by node-1/);
  });

  it('a damaged log is an empty chain: the edit is regenerated, nothing is written wrongly', async () => {
    const base = render(['a', 'b']);
    const root = await workspace(base);
    const [one, two] = processes(root, 2);
    await one!.applyEdit('f.ts', { base, hunks: [replacementHunk(1, 1, 'A\n')], label: 'first' });
    for (const f of await readdir(join(root, '.st3', 'edits'))) await writeFile(join(root, '.st3', 'edits', f), '{');
    await expect(
      two!.applyEdit('f.ts', { base, hunks: [replacementHunk(2, 2, 'B\n')], label: 'second' }),
    ).rejects.toMatchObject({ code: 'E_APPLY_CONFLICT' });
    expect(await readFile(join(root, 'f.ts'), 'utf8')).toBe(render(['A', 'b']));
  });

  it("a tracked file's patch shows what other writers changed; untracked, unchanged and unreadable files are left out", async () => {
    const base = render(['a', 'b', 'c']);
    const root = await workspace(base);
    await writeFile(join(root, 'g.ts'), render(['same']));
    const [coordinator, worker] = processes(root, 2);
    await coordinator!.track(['f.ts', 'g.ts', 'new.ts', '../outside.ts']);
    await worker!.applyEdit('f.ts', { base, hunks: [replacementHunk(2, 2, 'B\n')], label: 'node-1' });
    await writeFile(join(root, 'new.ts'), render(['created']));
    const patch = await coordinator!.patch();
    expect(patch).toContain('-b\n+B\n');
    expect(patch).toContain('+created');
    expect(patch).not.toContain('g.ts');
    expect(patch).not.toContain('outside');
    // Tracking is not writing: validation's list of changed files stays the writer's own.
    expect(coordinator!.changed()).toEqual([]);
  });
});
