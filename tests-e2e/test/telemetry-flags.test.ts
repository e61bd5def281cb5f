import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

const counter = (record: { counters: { name: string; value: number }[] }, name: string) =>
  record.counters.filter((c) => c.name === name).reduce((s, c) => s + c.value, 0);

describe('--telemetry on the CLIs', () => {
  it('st3 execute --telemetry writes executor series to .st3/telemetry, or to the task context with --task', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'), { recursive: true });
      await writeFile(
        join(dir, 'graph.json'),
        JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], edges: [{ from: 'a', to: 'b' }] }),
      );
      // c fails every time (1 retry): 2 attempts, 1 retry, 1 failed node.
      await writeFile(join(dir, 'node.mjs'), "process.exit(process.argv[2] === 'c' ? 1 : 0);\n");
      const run = await runSt3(
        [
          'execute',
          'graph.json',
          '--run',
          `${process.execPath} node.mjs {id}`,
          '--retries',
          '1',
          '--backoff',
          '0',
          '--telemetry',
          '--json',
        ],
        { cwd: dir },
      );
      expect(run.code, run.stderr).toBe(1);
      const doc = json(run);
      expect(doc.telemetryFile).toBe(join(dir, '.st3/telemetry/telemetry-execute.json'));
      const record = JSON.parse(await readFile(doc.telemetryFile, 'utf8'));
      expect(record).toMatchObject({ schema_version: '1.0', agent: 'execute', task_id: null });
      expect(counter(record, 'executor.attempts')).toBe(doc.stats.attempts);
      expect(counter(record, 'executor.retries')).toBe(1);
      expect(counter(record, 'executor.failed')).toBe(1);
      expect(counter(record, 'executor.nodes')).toBe(3);

      const withTask = await runSt3(
        [
          'execute',
          'graph.json',
          '--run',
          `${process.execPath} node.mjs {id}`,
          '--retries',
          '0',
          '--telemetry',
          '--task',
          'TASK-0042',
          '--json',
        ],
        { cwd: dir },
      );
      expect(json(withTask).telemetryFile).toBe(join(dir, '.st3/tasks/TASK-0042/telemetry-execute.json'));
      expect(JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0042/telemetry-execute.json'), 'utf8')).task_id).toBe(
        'TASK-0042',
      );
      // Without --telemetry nothing is written; --task alone is a usage error.
      expect((await runSt3(['execute', 'graph.json', '--run', 'x', '--task', 'T'], { cwd: dir })).code).toBe(2);
    });
  });

  it('st3 gates --telemetry writes per-gate durations and violations without changing the --json document', async () => {
    await withTempDir(async (dir) => {
      const tool =
        "const fs=require('fs');const out=[];for(const f of process.argv.slice(2))fs.readFileSync(f,'utf8').split('\\n').forEach((l,i)=>{if(l.includes('BAD'))out.push({path:f,row:i+1,code:'NO_BAD',text:'bad'})});process.stdout.write(JSON.stringify(out));process.exit(out.length?1:0);";
      await mkdir(join(dir, '.st3/config'), { recursive: true });
      await writeFile(join(dir, 'tool.cjs'), tool);
      await writeFile(join(dir, 'a.py'), 'BAD\nok\n');
      await writeFile(
        join(dir, '.st3/config/quality.yaml'),
        `version: "1.1"
active_gates: [lint_py]
gates:
  lint_py:
    name: "Lint Python"
    execution: { command: [${JSON.stringify(process.execPath)}, tool.cjs] }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, rule: code, message: text } }
`,
      );
      const r = await runSt3(
        ['gates', '--scope', 'project', '--no-state', '--telemetry', '--task', 'TASK-0007', '--json'],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(1);
      expect(Object.keys(json(r)).sort()).toEqual(['gates', 'overall_pass', 'summary']);
      const record = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0007/telemetry-gates.json'), 'utf8'));
      expect(record).toMatchObject({ agent: 'gates', task_id: 'TASK-0007' });
      expect(record.counters).toContainEqual({ name: 'gates.violations', labels: { gate: 'lint_py' }, value: 1 });
      expect(record.histograms.find((h: { name: string }) => h.name === 'gates.duration_ms')).toMatchObject({
        labels: { gate: 'lint_py' },
        count: 1,
      });
      expect(r.stderr).toContain('telemetry-gates.json');
    });
  });

  it('st3 scaffold --telemetry counts artifacts rendered by type', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'), { recursive: true });
      const r = await runSt3(['scaffold', 'commit', 'add telemetry', '--set', 'type=feat', '--telemetry', '--json'], {
        cwd: dir,
      });
      expect(r.code, r.stderr).toBe(0);
      const record = JSON.parse(await readFile(join(dir, '.st3/telemetry/telemetry-scaffold.json'), 'utf8'));
      expect(record.counters).toContainEqual({ name: 'scaffolder.artifacts', labels: { type: 'commit' }, value: 1 });
    });
  });

  it('st3 atomize --telemetry records files, bytes, atoms and parse time across worker threads', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'), { recursive: true });
      await mkdir(join(dir, 'src'), { recursive: true });
      let bytes = 0;
      for (let i = 0; i < 18; i++) {
        const text = `export function f${i}(x: number): number {\n  if (x > ${i}) return x;\n  return -x;\n}\n`;
        bytes += Buffer.byteLength(text);
        await writeFile(join(dir, 'src', `f${i}.ts`), text);
      }
      const r = await runSt3(
        ['atomize', 'src', '--workers', '2', '--no-cache', '--telemetry', '--task', 'TASK-0009', '--json'],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = json(r);
      const record = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0009/telemetry-atomize.json'), 'utf8'));
      expect(counter(record, 'atomizer.files')).toBe(18);
      expect(counter(record, 'atomizer.bytes')).toBe(bytes);
      expect(counter(record, 'atomizer.atoms')).toBe(doc.summary.atoms);
      expect(record.histograms.find((h: { name: string }) => h.name === 'atomizer.parse_ms').count).toBe(18);
      // The text report (workers send summaries, not records) counts the same atoms.
      const text = await runSt3(
        ['atomize', 'src', '--workers', '2', '--no-cache', '--telemetry', '--task', 'TASK-0010'],
        {
          cwd: dir,
        },
      );
      expect(text.code, text.stderr).toBe(0);
      const fromText = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0010/telemetry-atomize.json'), 'utf8'));
      expect(counter(fromText, 'atomizer.atoms')).toBe(doc.summary.atoms);
      expect(counter(fromText, 'atomizer.files')).toBe(18);
    });
  });
});
