// `st3 review list` marks an approved item whose code its file no longer holds (reverted since), by the
// ledger's rule, so the list agrees with what the next `st3 execute` does: generate it again. Through
// the built st3-graph binary against a fake OpenAI-compatible server.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3 } from './run-bin.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../../packages/executor/test/fake-openai.js';

const TODO = "export function one(x: number): number {\n  // TODO: one\n  throw new Error('TODO');\n}\n";
const ANSWER = '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```';

let server: FakeOpenAi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('st3 review list of an approved item', () => {
  it('marks it reverted (generated again) once its file no longer holds its code, in text and JSON', async () => {
    server = await startFakeOpenAi(() => ANSWER);
    const dir = await mkdtemp(join(tmpdir(), 'st3-review-reverted-'));
    dirs.push(dir);
    await mkdir(join(dir, 'src'), { recursive: true });
    await mkdir(join(dir, '.st3'), { recursive: true });
    await writeFile(join(dir, 'src/one.ts'), TODO);
    const agent = ['--agent-url', server.url, '--agent-model', 'm', '--instruction', 'Implement it.'];
    const run = await st3(dir, ['execute', 'src', ...agent, '--review-below', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect((await st3(dir, ['review', 'approve', 'r1'])).code).toBe(0);

    // Still in the file: held, and the text says nothing more.
    const held = await st3(dir, ['review', 'list', '--json']);
    expect(JSON.parse(held.stdout).items).toEqual([
      expect.objectContaining({ id: 'r1', status: 'approved', inFile: { status: 'held' } }),
    ]);
    expect((await st3(dir, ['review', 'list'])).stdout).not.toContain('reverted');

    await writeFile(join(dir, 'src/one.ts'), TODO); // reverted (git checkout, an editor)
    const doc = JSON.parse((await st3(dir, ['review', 'list', '--json'])).stdout);
    expect(doc.items).toEqual([
      expect.objectContaining({
        id: 'r1',
        status: 'approved',
        inFile: {
          status: 'reverted',
          why: expect.stringMatching(/^approved in review \(r1\), but src\/one\.ts no longer holds the code it wrote/),
        },
      }),
    ]);
    const text = await st3(dir, ['review', 'list']);
    expect(text.stdout).toMatch(/^r1 +approved .* — reverted since: will be generated again \(approved in review/m);
    // The same verdict as the next run: it generates the node again.
    const dry = await st3(dir, ['execute', 'src', ...agent, '--dry-run']);
    expect(dry.stderr + dry.stdout).toContain('approved in review (r1), but src/one.ts no longer holds');
  }, 120_000);
});
