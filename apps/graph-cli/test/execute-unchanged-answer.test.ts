// Through the built st3-graph binary: an agent answering with the atom unchanged is never "✓ unchanged"
// (done for good): its line says it was queued for review and why, and a deleted file's item says so on approve.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3 } from './run-bin.js';

const TODO = 'export function add(a: number, b: number): number {\n  // TODO\n  return 0;\n}\n';
/** A command agent printing the atom as it was. */
const ECHO = `process.stdin.resume();
process.stdin.on('data', () => {});
process.stdin.on('end', () => console.log('\`\`\`ts\\n' + ${JSON.stringify(TODO)} + '\`\`\`'));
`;
/** A command agent implementing it. */
const IMPLEMENT = ECHO.replace(
  JSON.stringify(TODO),
  JSON.stringify(TODO.replace('  // TODO\n  return 0;', '  return a + b;')),
);
const AGENTS = 'version: 1\ndefault: echo\nagents:\n  echo:\n    kind: command\n    command: [node, agent.cjs]\n';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function workspace(agent = ECHO): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-unchanged-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, '.st3', 'config'), { recursive: true });
  await writeFile(join(dir, 'src', 'calc.ts'), TODO);
  await writeFile(join(dir, 'agent.cjs'), agent);
  await writeFile(join(dir, '.st3', 'config', 'agents.yaml'), AGENTS);
  return dir;
}

const execute = ['execute', 'src', '--only-matching', 'TODO', '--instruction', 'Implement the TODO.', '--backoff', '0'];

describe('st3 execute with an agent that returns the atom unchanged', () => {
  it('queues it for review saying why, writes nothing, and the next run leaves it to the reviewer', async () => {
    const dir = await workspace();
    const first = await st3(dir, execute);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^\? src\/calc\.ts:1 queued for review as r1 \(the agent returned the atom unchanged\) after 3 attempt\(s\)/m,
    );
    expect(first.stdout).not.toMatch(/unchanged after/);
    expect(await readFile(join(dir, 'src', 'calc.ts'), 'utf8')).toBe(TODO);
    const again = await st3(dir, [...execute, '--json']);
    const nodes = Object.values(JSON.parse(again.stdout).nodes) as { alreadyDone?: string }[];
    expect(nodes[0]?.alreadyDone).toMatch(/review/);
  }, 120_000);

  it('approving its item once the file is deleted says the file no longer exists, naming it', async () => {
    const dir = await workspace(IMPLEMENT);
    const run = await st3(dir, [...execute, '--review-below', '1']);
    expect(run.stdout).toMatch(/queued for review as r1 \(confidence [\d.]+ below 1\)/);
    await rm(join(dir, 'src', 'calc.ts'));
    const approve = await st3(dir, ['review', 'approve', 'r1', '--json']);
    expect(approve.code).toBe(2);
    expect(JSON.parse(approve.stdout).error).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      message: 'src/calc.ts no longer exists: the change of r1 was not written',
      file: 'src/calc.ts',
    });
  }, 120_000);
});
