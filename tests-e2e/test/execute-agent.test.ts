import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAi } from '../../packages/executor/test/fake-openai.js';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

/** Three small TODO functions in one TypeScript file, and a real gate (a node script) over .ts files. */
const CALC = ['add', 'sub', 'mul']
  .map((f) => `export function ${f}(a: number, b: number): number {\n  // TODO: ${f}\n  throw new Error('TODO');\n}\n`)
  .join('\n');
const OP: Record<string, string> = { add: '+', sub: '-', mul: '*' };
const impl = (f: string) => `export function ${f}(a: number, b: number): number {\n  return a ${OP[f]} b;\n}`;

async function workspace(dir: string, agentScript?: string): Promise<void> {
  await mkdir(join(dir, '.st3', 'config'), { recursive: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'src', 'calc.ts'), CALC);
  // A lint gate that fails on `any`: the validation runs it on the changed file in a scratch copy.
  await writeFile(
    join(dir, 'lint.mjs'),
    "import { readFileSync } from 'node:fs';\nlet n = 0;\nfor (const f of process.argv.slice(2)) readFileSync(f, 'utf8').split('\\n').forEach((l, i) => { if (/\\bany\\b/.test(l)) { n++; console.log(`${f}:${i + 1}:1: no-any any is not allowed`); } });\nprocess.exit(n ? 1 : 0);\n",
  );
  await writeFile(
    join(dir, '.st3', 'config', 'quality.yaml'),
    `version: "1.1"\nactive_gates: [lint]\ngates:\n  lint:\n    name: Lint\n    execution: { command: [${JSON.stringify(process.execPath)}, lint.mjs], timeout_seconds: 60 }\n    success: { exit_codes_ok: [0] }\n    capabilities:\n      file_types: [".ts"]\n      supports_autofix: false\n      parsing_strategy: text_violations\n      text_violations:\n        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>[\\w-]+) (?P<message>.*)$'\n        severity_default: error\n`,
  );
  if (agentScript) {
    await writeFile(join(dir, 'agent.mjs'), agentScript);
    await writeFile(
      join(dir, '.st3', 'config', 'agents.yaml'),
      `version: 1\ndefault: script\nagents:\n  script: {kind: command, command: [${JSON.stringify(process.execPath)}, agent.mjs], timeout_seconds: 120}\n`,
    );
  }
}

const runRecord = async (dir: string) => {
  const files = (await readdir(join(dir, '.st3', 'runs'))).filter((f) => f.endsWith('.json')).sort();
  return JSON.parse(await readFile(join(dir, '.st3', 'runs', files.at(-1)!), 'utf8'));
};

describe('st3 execute --agent', () => {
  it('against an OpenAI-compatible server: a broken answer is retried cooler with its failure, the right one applied and recorded', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      const server = await startFakeOpenAi((body) => {
        const prompt = body.messages[1]!.content;
        const f = /export function (\w+)/.exec(prompt)![1]!;
        if (f === 'add' && !prompt.includes('previous attempt failed'))
          return '```ts\nexport function add(a: any, b: number): number {\n  return a + b;\n}\n```';
        return `\`\`\`ts\n${impl(f)}\n\`\`\``;
      });
      try {
        const r = await runSt3(
          [
            'execute',
            'src',
            '--agent-url',
            server.url,
            '--agent-model',
            'coder',
            '--only-matching',
            'TODO',
            '--instruction',
            'Implement the TODO.',
            '--backoff',
            '0',
            '--json',
          ],
          { cwd: dir },
        );
        expect(r.code, r.stderr).toBe(0);
        const doc = json(r);
        expect(doc).toMatchObject({
          ok: true,
          status: 'succeeded',
          agent: 'ad-hoc',
          stats: { total: 3, succeeded: 3, retries: 1 },
        });
        const adds = server.requests.filter((q) => q.body.messages[1]!.content.includes('export function add'));
        expect(adds.map((q) => q.body.temperature)).toEqual([0.7, 0.5]);
        expect(adds.map((q) => q.body.model)).toEqual(['coder', 'coder']);
        const retry = adds[1]!.body.messages[1]!.content;
        expect(retry).toContain('## Your previous attempt failed (logic)');
        expect(retry).toContain('gate lint failed:\nsrc/calc.ts:1:1: no-any any is not allowed');
        expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(
          `${impl('add')}\n\n${impl('sub')}\n\n${impl('mul')}\n`,
        );
        const record = await runRecord(dir);
        const addNode = Object.entries(record.nodes).find(([id]) => id.startsWith('src/calc.ts#L1-'))![1] as {
          attempts: { params: { temperature: number }; ok: boolean; error?: { category: string }; answer?: string }[];
          change: { outcome: string; beforeSha256: string; afterSha256: string; diff: string };
        };
        expect(addNode.attempts.map((a) => [a.params.temperature, a.ok, a.error?.category])).toEqual([
          [0.7, false, 'logic'],
          [0.5, true, undefined],
        ]);
        expect(addNode.attempts[0]!.answer).toContain('a: any');
        expect(addNode.change.outcome).toBe('applied');
        expect(addNode.change.diff).toContain('+  return a + b;');
        expect(record.options).toMatchObject({
          agent: 'ad-hoc',
          agentUrl: server.url,
          agentModel: 'coder',
          instruction: 'Implement the TODO.',
        });
        // A re-run has nothing left to do.
        const again = json(
          await runSt3(
            ['execute', 'src', '--agent-url', server.url, '--agent-model', 'coder', '--instruction', 'x', '--json'],
            { cwd: dir },
          ),
        );
        expect(
          Object.values(again.nodes).filter((n) => (n as { outcome?: string }).outcome === 'applied'),
        ).toHaveLength(0);
      } finally {
        await server.close();
      }
    });
  }, 180_000);

  it('a command agent from agents.yaml; --dry-run writes only the patch; --task takes the instruction and records the patch', async () => {
    const agent = `let s = '';\nfor await (const c of process.stdin) s += c;\nconst f = /export function (\\w+)/.exec(s)[1];\nconst op = { add: '+', sub: '-', mul: '*' }[f];\nif (!s.includes('Task TASK-0042: Implement the calculator')) process.exit(5);\nprocess.stdout.write('\\x60\\x60\\x60ts\\nexport function ' + f + '(a: number, b: number): number {\\n  return a ' + op + ' b;\\n}\\n\\x60\\x60\\x60\\n');\n`;
    await withTempDir(async (dir) => {
      await workspace(dir, agent);
      const task = await readFile(
        join(__dirname, '../../examples/tasks/TASK-0002-implement-todo-atoms.task.yaml'),
        'utf8',
      );
      await mkdir(join(dir, 'tasks'));
      await writeFile(
        join(dir, 'tasks', 'TASK-0042-calc.task.yaml'),
        task
          .replace('TASK-0002', 'TASK-0042')
          .replace('Implement the TODO atoms of the example workspace', 'Implement the calculator'),
      );
      const dry = await runSt3(
        ['execute', 'src', '--only-matching', 'TODO', '--task', 'TASK-0042', '--dry-run', '--json'],
        { cwd: dir },
      );
      expect(dry.code, dry.stdout + dry.stderr).toBe(0);
      const dryDoc = json(dry);
      expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(CALC);
      expect(await readFile(dryDoc.patchFile, 'utf8')).toContain('+  return a * b;');
      expect(Object.values(dryDoc.nodes).map((n) => (n as { outcome: string }).outcome)).toEqual([
        'dry-run',
        'dry-run',
        'dry-run',
      ]);
      expect(existsSync(join(dir, '.st3', 'tasks', 'TASK-0042'))).toBe(false);

      const real = await runSt3(['execute', 'src', '--only-matching', 'TODO', '--task', 'TASK-0042', '--json'], {
        cwd: dir,
      });
      expect(real.code, real.stdout + real.stderr).toBe(0);
      const doc = json(real);
      expect(doc.evidence).toMatchObject({ task: 'TASK-0042' });
      expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(
        `${impl('add')}\n\n${impl('sub')}\n\n${impl('mul')}\n`,
      );
      const index = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0042/evidence/index.json'), 'utf8'));
      expect(index.entries.map((e: { type: string }) => e.type)).toContain('diff');
      const verify = await runSt3(['tasks', 'evidence', 'verify', 'TASK-0042', '--json'], { cwd: dir });
      expect(json(verify)).toMatchObject({ ok: true });
    });
  }, 180_000);

  it('refuses what cannot run: unknown agent, --run with --agent, an unreachable server, no instruction', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir, 'process.exit(0)');
      const unknown = await runSt3(['execute', 'src', '--agent', 'nope', '--instruction', 'x', '--json'], { cwd: dir });
      expect([unknown.code, json(unknown).error.code]).toEqual([2, 'E_AGENT_UNKNOWN']);
      const both = await runSt3(['execute', 'src', '--agent', 'script', '--run', 'node x.mjs', '--json'], { cwd: dir });
      expect([both.code, json(both).error.code]).toEqual([2, 'E_USAGE']);
      // A model server that is not there: every node fails on the agent, a runtime failure (exit 3), not retried.
      const closed = await startFakeOpenAi(() => '');
      await closed.close();
      const down = await runSt3(
        ['execute', 'src', '--agent-url', closed.url, '--agent-model', 'm', '--instruction', 'x', '--json'],
        { cwd: dir },
      );
      expect(down.code, down.stdout).toBe(3);
      const failed = Object.values(json(down).nodes) as {
        status: string;
        attempts: number;
        error: { code: string; category: string };
      }[];
      expect(failed).toHaveLength(3);
      for (const n of failed)
        expect([n.status, n.attempts, n.error.code, n.error.category]).toEqual([
          'failed',
          1,
          'E_AGENT_UNREACHABLE',
          'dependency',
        ]);
      const noInstruction = await runSt3(['execute', 'src', '--json'], { cwd: dir });
      expect([noInstruction.code, json(noInstruction).error.code]).toEqual([2, 'E_USAGE']);
    });
  }, 120_000);

  it('resumes after SIGKILL mid-run: applied atoms are not generated or written again', async () => {
    // The agent answers at once, except for mul, which waits until RELEASE exists; every call is logged.
    const agent = `import { appendFileSync, existsSync, writeFileSync } from 'node:fs';\nlet s = '';\nfor await (const c of process.stdin) s += c;\nconst f = /export function (\\w+)/.exec(s)[1];\nappendFileSync('calls.log', f + '\\n');\nif (f === 'mul' && !existsSync('RELEASE')) { writeFileSync('mul.pid', String(process.pid)); await new Promise((r) => setTimeout(r, 60000)); }\nconst op = { add: '+', sub: '-', mul: '*' }[f];\nprocess.stdout.write('\\x60\\x60\\x60ts\\nexport function ' + f + '(a: number, b: number): number {\\n  return a ' + op + ' b;\\n}\\n\\x60\\x60\\x60\\n');\n`;
    await withTempDir(async (dir) => {
      await workspace(dir, agent);
      const child = spawn(
        process.execPath,
        [st3Bin, 'execute', 'src', '--only-matching', 'TODO', '--instruction', 'x'],
        {
          cwd: dir,
          stdio: 'ignore',
          env: { ...process.env, NO_COLOR: '1', CI: '1' },
        },
      );
      const until = async (check: () => Promise<boolean>) => {
        for (const end = Date.now() + 60_000; !(await check()); await new Promise((r) => setTimeout(r, 100)))
          if (Date.now() > end) throw new Error('timed out');
      };
      await until(async () => {
        if (!existsSync(join(dir, 'mul.pid')) || !existsSync(join(dir, '.st3', 'runs'))) return false;
        const rec = await runRecord(dir).catch(() => undefined);
        return (
          rec !== undefined &&
          Object.values(rec.nodes).filter((n) => (n as { change?: { outcome: string } }).change?.outcome === 'applied')
            .length === 2
        );
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      try {
        process.kill(Number(await readFile(join(dir, 'mul.pid'), 'utf8')), 'SIGKILL');
      } catch {
        // already gone with its process group
      }
      const crashed = await runRecord(dir);
      expect(crashed.status).toBe('running');
      const half = await readFile(join(dir, 'src/calc.ts'), 'utf8');
      expect(half).toContain(impl('add'));
      expect(half).toContain('// TODO: mul');

      await writeFile(join(dir, 'RELEASE'), '');
      const resumed = await runSt3(['execute', '--resume', crashed.id, '--json'], { cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(json(resumed)).toMatchObject({ status: 'succeeded', stats: { reused: 2, succeeded: 3 } });
      expect(await readFile(join(dir, 'src/calc.ts'), 'utf8')).toBe(
        `${impl('add')}\n\n${impl('sub')}\n\n${impl('mul')}\n`,
      );
      const calls = (await readFile(join(dir, 'calls.log'), 'utf8')).trim().split('\n').sort();
      expect(calls).toEqual(['add', 'mul', 'mul', 'sub']);
    });
  }, 180_000);
});
