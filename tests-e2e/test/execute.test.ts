import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

/** A workspace with a graph and a node script that logs every run to runs.log. */
async function workspace(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3'), { recursive: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'src', 'calc.py'),
    'def add(a, b):\n    return a + b\n\n\ndef mean(xs):\n    return add(sum(xs), 0) / len(xs)\n',
  );
  await writeFile(
    join(dir, 'graph.json'),
    JSON.stringify({
      nodes: [
        { id: 'add', path: 'src/calc.py', startLine: 1, endLine: 2, complexity: 1 },
        { id: 'mean', path: 'src/calc.py', startLine: 5, endLine: 6, complexity: 1 },
        { id: 'report' },
        { id: 'other' },
      ],
      edges: [
        { from: 'add', to: 'mean' },
        { from: 'mean', to: 'report' },
      ],
    }),
  );
  // Fails for the node named in FAIL_NODE.txt (if that file exists); logs "id attempt" per run.
  await writeFile(
    join(dir, 'node.mjs'),
    `
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const [id, file, start, end] = process.argv.slice(2);
appendFileSync('runs.log', id + ' ' + process.env.ST3_ATTEMPT + '\\n');
const fail = existsSync('FAIL_NODE.txt') ? readFileSync('FAIL_NODE.txt', 'utf8').trim() : '';
if (id === fail) { console.error('AssertionError: ' + id + ' is wrong'); process.exit(1); }
console.log(JSON.stringify({ id, file, start, end }));
`,
  );
}
const runLog = async (dir: string) => (await readFile(join(dir, 'runs.log'), 'utf8')).trim().split('\n');
const cmd = `"${process.execPath}" node.mjs {id} {file} {start} {end}`;

describe('st3 execute', () => {
  it('runs a real command per node, dependencies first, and saves the run', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      const r = await runSt3(['execute', 'graph.json', '--run', cmd, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const doc = json(r);
      expect(doc).toMatchObject({
        ok: true,
        status: 'succeeded',
        stats: { total: 4, succeeded: 4, failed: 0, attempts: 4 },
      });
      const log = await runLog(dir);
      expect(log.indexOf('add 1')).toBeLessThan(log.indexOf('mean 1'));
      expect(log.indexOf('mean 1')).toBeLessThan(log.indexOf('report 1'));
      const saved = JSON.parse(await readFile(doc.stateFile, 'utf8'));
      expect(saved).toMatchObject({
        version: 1,
        id: doc.runId,
        status: 'succeeded',
        options: { command: cmd, mode: 'eager' },
      });
      expect(JSON.parse(saved.nodes.mean.result.stdout)).toEqual({
        id: 'mean',
        file: 'src/calc.py',
        start: '5',
        end: '6',
      });
      expect(await readdir(join(dir, '.st3', 'runs'))).toEqual([`${doc.runId}.json`]);
    });
  }, 120_000);

  it('isolates a failure, retries it with feedback, exits 1, and resumes without redoing succeeded nodes', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      await writeFile(join(dir, 'FAIL_NODE.txt'), 'mean');
      const r = await runSt3(
        ['execute', 'graph.json', '--run', cmd, '--retries', '1', '--backoff', '0', '--mode', 'waves', '--json'],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(1);
      const doc = json(r);
      expect(doc.nodes.mean).toMatchObject({ status: 'failed', attempts: 2, error: { category: 'logic' } });
      expect(doc.nodes.report).toMatchObject({ status: 'skipped', skipped: { because: 'mean' } });
      expect(doc.nodes.other.status).toBe('succeeded');
      expect(doc.stats).toMatchObject({ retries: 1, retriesByCategory: { logic: 1 }, failed: 1, skipped: 1 });

      // Human output names the failure and how to resume.
      await writeFile(join(dir, 'runs.log'), '');
      await writeFile(join(dir, 'FAIL_NODE.txt'), '');
      const resumed = await runSt3(['execute', '--resume', doc.runId], { cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(new RegExp(`run ${doc.runId}: 4 succeeded, 0 failed, 0 skipped, 2 reused`));
      expect((await runLog(dir)).sort()).toEqual(['mean 1', 'report 1']);
    });
  }, 120_000);

  it('reports graph errors with their location, and usage errors with exit 2', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      await writeFile(
        join(dir, 'unknown-node.json'),
        JSON.stringify({
          nodes: [{ id: 'a' }, { id: 'b' }],
          edges: [
            { from: 'a', to: 'b' },
            { from: 'b', to: 'x' },
          ],
        }),
      );
      const bad = await runSt3(['execute', 'unknown-node.json', '--run', 'true', '--json'], { cwd: dir });
      expect(bad.code).toBe(1);
      expect(json(bad).error).toMatchObject({ code: 'E_GRAPH_UNKNOWN_NODE', line: 1, column: 82 });
      const noRun = await runSt3(['execute', 'graph.json', '--json'], { cwd: dir });
      expect(noRun.code).toBe(2);
      expect(json(noRun).error.code).toBe('E_USAGE');
      const unknown = await runSt3(['execute', '--resume', 'run-nope', '--json'], { cwd: dir });
      expect(json(unknown).error.code).toBe('E_RUN_NOT_FOUND');
      const quote = await runSt3(['execute', 'graph.json', '--run', 'echo "oops', '--json'], { cwd: dir });
      expect(json(quote).error.code).toBe('E_COMMAND_SYNTAX');
      // No implicit shell: shell syntax in the template is refused with its place, not run.
      const shell = await runSt3(['execute', 'graph.json', '--run', 'node x.mjs {id}; touch pwned', '--json'], {
        cwd: dir,
      });
      expect([shell.code, json(shell).error.code]).toEqual([2, 'E_COMMAND_SYNTAX']);
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
    });
  }, 120_000);

  it('cuts cycles of the input graph the way st3 graph does, with a warning', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir);
      await writeFile(
        join(dir, 'cycle.json'),
        JSON.stringify({
          nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
          edges: [
            { from: 'a', to: 'b' },
            { from: 'b', to: 'c' },
            { from: 'c', to: 'a' },
          ],
        }),
      );
      const r = await runSt3(['execute', 'cycle.json', '--run', cmd, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/1 edge\(s\) cut to break 1 cycle/);
      expect(existsSync(join(dir, 'runs.log'))).toBe(true);
    });
  }, 120_000);
});
