// What `st3 review regenerate --agent` and the `st3 execute` summary say, through the built st3-graph
// binary (what `st3 review` and `st3 execute` dispatch to) against a fake OpenAI-compatible server:
// a regeneration whose every attempt failed is no success, nodes left with a reviewer are not "done",
// and a cancelled run counts its cancelled nodes.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3, type Run } from './run-bin.js';
import { startFakeOpenAi, type ChatRequest, type FakeOpenAi } from '../../../packages/executor/test/fake-openai.js';

const json = (r: Run): any => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  }
};

const NAMES = ['one', 'two', 'three'];
const todo = (name: string) =>
  `export function ${name}(x: number): number {\n  // TODO: ${name}\n  throw new Error('TODO');\n}\n`;

/**
 * The atom's function, implemented; its `var` is a detected issue, so its confidence (about 0.8) is
 * queued by --review-below 1 and applied by --review-below 0.5.
 */
function answer(body: ChatRequest): string {
  const name = NAMES.find((n) => body.messages.some((m) => m.content.includes(`src/${n}.ts`))) ?? 'one';
  return `\`\`\`ts\nexport function ${name}(x: number): number {\n  var r = x + 1;\n  return r;\n}\n\`\`\``;
}

let server: FakeOpenAi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function workspace(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-summary-truth-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, '.st3'), { recursive: true });
  for (const n of names) await writeFile(join(dir, 'src', `${n}.ts`), todo(n));
  return dir;
}

const agent = () => ['--agent-url', server!.url, '--agent-model', 'm'];
const execute = (...more: string[]) => ['execute', 'src', ...agent(), '--instruction', 'Implement it.', ...more];

describe('st3 review regenerate --agent when every attempt fails', () => {
  it('says so, in JSON and in text, keeps the old code, and exits 1', async () => {
    let empty = false;
    server = await startFakeOpenAi((body) => (empty ? '' : answer(body)));
    const dir = await workspace(['one', 'two']);
    const first = await st3(dir, execute('--review-below', '1', '--json'));
    expect(first.code, first.stderr).toBe(0);
    const queued = (json(first).review.queued as { id: string; nodeId: string }[]).map((q) => q.id).sort();
    expect(queued).toEqual(['r1', 'r2']);
    const before = json(await st3(dir, ['review', 'show', 'r1', '--json'])).item;

    // From now on the agent answers empty completions: all 3 attempts fail.
    empty = true;
    const r = await st3(dir, ['review', 'regenerate', 'r1', '--feedback', 'be careful', ...agent(), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = json(r);
    expect(doc).toMatchObject({
      ok: false,
      regenerated: false,
      item: { id: 'r1', status: 'needs_regeneration', code: before.code },
      error: {
        code: 'E_AGENT_ANSWER',
        message: expect.stringMatching(/^the regeneration of r1 failed after 3 attempt\(s\): The answer was empty/),
        hint: expect.stringContaining('the next `st3 execute` regenerates it'),
        details: { attempts: 3, runId: expect.any(String) },
      },
    });
    // The run record it names holds the three failed attempts.
    const record = JSON.parse(await readFile(join(dir, '.st3/runs', `${doc.error.details.runId}.json`), 'utf8'));
    expect(record.status).toBe('failed');

    const text = await st3(dir, ['review', 'regenerate', 'r2', '--feedback', 'be careful', ...agent()]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(
      /^✗ the regeneration of r2 failed after 3 attempt\(s\): The answer was empty.*\(E_AGENT_ANSWER\)$/m,
    );
    expect(text.stdout).toMatch(/^r2 +needs_regeneration /m);
    expect(text.stdout).toContain('hint: r2 keeps its earlier code');
  }, 120_000);
});

describe('the st3 execute summary', () => {
  it('does again, and says why, what an earlier run applied but the file no longer holds', async () => {
    server = await startFakeOpenAi(answer);
    const dir = await workspace(['one']);
    const first = await st3(dir, execute('--review-below', '0.5', '--json'));
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toContain('var r = x + 1;');
    await writeFile(join(dir, 'src/one.ts'), todo('one')); // reverted (git checkout, an editor)
    const again = await st3(dir, execute('--review-below', '0.5', '--json'));
    expect(again.code, again.stderr).toBe(0);
    const doc = json(again);
    const [id] = Object.keys(doc.stale);
    expect(doc.stale[id!]).toMatch(/^applied by run-\S+, but .*: generated again$/);
    expect(doc.nodes[id!]).toMatchObject({ status: 'succeeded', outcome: 'applied' });
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toContain('var r = x + 1;');
    const text = await st3(dir, execute('--review-below', '0.5'));
    expect(text.stdout + text.stderr).not.toContain('generated again'); // held again now: done, nothing stale
  }, 120_000);

  it('does again what a reviewer approved but the file no longer holds (reverted since), and says why', async () => {
    server = await startFakeOpenAi(answer);
    const dir = await workspace(['one']);
    expect((await st3(dir, execute('--review-below', '1', '--quiet'))).code).toBe(0);
    const approved = await st3(dir, ['review', 'approve', 'r1']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toContain('var r = x + 1;');
    await writeFile(join(dir, 'src/one.ts'), todo('one')); // git checkout
    const asked = server.requests.length;
    const again = await st3(dir, execute('--review-below', '0.5'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/approved in review \(r1\), but src\/one\.ts no longer holds the code it wrote/);
    expect(again.stdout).toMatch(/^✓ src\/one\.ts:1 applied after 1 attempt\(s\)/m);
    expect(server.requests).toHaveLength(asked + 1);
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toContain('var r = x + 1;');
  }, 120_000);

  it('approve and edit say what the code was written without (no quality.yaml: the gates not measured)', async () => {
    server = await startFakeOpenAi(answer);
    const dir = await workspace(['one', 'two']);
    expect((await st3(dir, execute('--review-below', '1', '--quiet'))).code).toBe(0);
    const approved = await st3(dir, ['review', 'approve', 'r1']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^r1 +approved/m);
    expect(approved.stdout).toMatch(/^not measured: .*gates/m);
    const code = 'export function two(x: number): number {\n  return x + 2;\n}';
    const edited = await st3(dir, ['review', 'edit', 'r2', '--code', code]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/^not measured: .*gates/m);
  }, 120_000);

  it('queues a change a gate could not judge (its tool missing), and says which gate', async () => {
    server = await startFakeOpenAi(answer);
    const dir = await workspace(['one']);
    await mkdir(join(dir, '.st3/config'), { recursive: true });
    await writeFile(
      join(dir, '.st3/config/quality.yaml'),
      'version: "1.1"\nactive_gates: [lint]\ngates:\n  lint:\n    name: Lint\n    execution: { command: [st3-no-such-linter-h1], timeout_seconds: 60 }\n    success: { exit_codes_ok: [0] }\n    capabilities: { file_types: [".ts"], supports_autofix: false, parsing_strategy: exit_code }\n',
    );
    const r = await st3(dir, execute());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^\? src\/one\.ts:1 queued for review as r1 after 1 attempt\(s\); confidence [\d.]+ \(\w+\); not judged by lint \(error\)$/m,
    );
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toBe(todo('one'));
  }, 120_000);

  it('counts nodes left with a reviewer as waiting for review, never as already done', async () => {
    server = await startFakeOpenAi(answer);
    const dir = await workspace(NAMES);
    const first = await st3(dir, execute('--review-below', '1', '--quiet'));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\? run \S+: 3 queued for review; 3 attempt\(s\)/m);
    const r1 = await st3(dir, ['review', 'reject', 'r1', '--feedback', 'try again']);
    expect(r1.code, r1.stderr).toBe(0);

    // r1's node runs again (and is applied: 0.5 is below its confidence); r2 and r3 still wait.
    const again = await st3(dir, execute('--review-below', '0.5', '--quiet'));
    expect(again.code, again.stderr).toBe(0);
    const summary = again.stdout.split('\n').find((l) => / run run-/.test(l))!;
    expect(summary).toMatch(/^\? run \S+: /);
    expect(summary).toContain('2 waiting for review');
    expect(summary).toContain('1 applied');
    expect(summary).not.toContain('already done');

    // The applied node is done; the JSON names the two that wait.
    const third = await st3(dir, execute('--json'));
    expect(third.code, third.stderr).toBe(0);
    const doc = json(third);
    expect(doc.review.queued).toEqual([]);
    expect((doc.review.waiting as { id: string }[]).map((w) => w.id).sort()).toEqual(['r2', 'r3']);
    const text = await st3(dir, execute());
    expect(text.stdout).toMatch(/^\? run \S+: /m);
    const line = text.stdout.split('\n').find((l) => / run run-/.test(l))!;
    expect(line).toContain('1 already done');
    expect(line).toContain('2 waiting for review');
  }, 180_000);

  it('counts the cancelled nodes of a run stopped by SIGTERM', async () => {
    // Every answer takes longer than the test: the run is stopped while the agents work.
    server = await startFakeOpenAi((body) => ({ delayMs: 60_000, content: answer(body) }));
    const dir = await workspace(NAMES);
    const r = await st3(dir, execute(), (child) => {
      const poll = setInterval(() => {
        if (server!.requests.length < 3) return;
        clearInterval(poll);
        child.kill('SIGTERM');
      }, 25);
      child.on('close', () => clearInterval(poll));
    });
    expect(r.code, r.stderr).toBe(143);
    const summary = r.stdout.split('\n').find((l) => / run run-/.test(l));
    expect(summary, r.stdout).toMatch(/^✗ run \S+: 3 cancelled; /);
    expect(summary).not.toContain('nothing to do');
  }, 120_000);
});
