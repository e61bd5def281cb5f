// What the reviewer reproduced through the CLI, on real files in a temp workspace: a negative counter
// cancelling a failed JSON parse, a prompt saving measured on one prompt of six, and `metrics serve`
// dropping an unreadable telemetry file without a word.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { recordTelemetry } from '@st3/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

async function st3(cwd: string, ...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd, env: { NO_COLOR: '1' } });
  const code = await runCli(cli, argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const criterion = (stdout: string, id: string) =>
  (
    JSON.parse(stdout) as { pilot: { criteria: { id: string; status: string; units: unknown[] }[] } }
  ).pilot.criteria.find((c) => c.id === id)!;

let root = '';
const taskDir = () => join(root, '.st3/tasks/TASK-0001');
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-truth-'));
  // The coder meets every telemetry criterion on its own.
  await recordTelemetry({ dir: taskDir(), agent: 'coder', taskId: 'TASK-0001' }, (c) => {
    c.fileRead('src/a.ts', 10);
    c.jsonParse('agent', true);
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('st3 metrics collect', () => {
  it('a negative json_parse_failures counter does not cancel a failed parse: the file is reported where the value is', async () => {
    const rec = await st3(root, 'telemetry', 'record', 'TASK-0001', '--agent', 'reviewer', '--json-parse', 'failed');
    expect(rec.code, rec.stderr).toBe(0);
    const failing = await st3(root, 'metrics', 'collect', 'TASK-0001', '--json');
    expect(criterion(failing.stdout, 'json_parse_failures').status).toBe('missed');

    const file = join(taskDir(), 'telemetry-reviewer.json');
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.counters.push({ name: 'json_parse_failures', labels: { source: 'other' }, value: -1 });
    const text = JSON.stringify(saved, null, 2);
    await writeFile(file, text);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('"value": -1'));

    const out = await st3(root, 'metrics', 'collect', 'TASK-0001');
    expect(out.code).toBe(1);
    expect(out.stdout).not.toContain('pilot passes');
    expect(out.stdout).not.toMatch(/✓ json_parse_failures/);
    expect(out.stdout).toContain('TASK-0001/telemetry-reviewer.json (E_SCHEMA) could not be read');
    expect(out.stderr).toContain(`${file}:${at + 1}:${lines[at]!.indexOf('-1') + 1}: warning:`);
    const doc = await st3(root, 'metrics', 'collect', 'TASK-0001', '--json');
    expect(criterion(doc.stdout, 'json_parse_failures').status).toBe('not measured');
  });

  it('prompt_size_savings is not measured when 5 of 6 prompts have no baseline, and says so', async () => {
    const record = (...flags: string[]) => st3(root, 'telemetry', 'record', 'TASK-0001', '--agent', 'coder', ...flags);
    expect((await record('--prompt-bytes', '600', '--baseline-bytes', '1000')).code).toBe(0);
    for (let i = 0; i < 5; i++) expect((await record('--prompt-bytes', '50000')).code).toBe(0);

    const out = await st3(root, 'metrics', 'collect', 'TASK-0001');
    expect(out.stdout).not.toMatch(/✓ prompt_size_savings/);
    expect(out.stdout).toMatch(/– prompt_size_savings\s+not measured/);
    expect(out.stdout).toContain('TASK-0001: 5 of 6 prompt(s) without a baseline size (250000 of 250600 bytes)');
    const doc = await st3(root, 'metrics', 'collect', 'TASK-0001', '--json');
    expect(criterion(doc.stdout, 'prompt_size_savings')).toMatchObject({
      status: 'not measured',
      units: [
        { id: 'TASK-0001', value: null, detail: '5 of 6 prompt(s) without a baseline size (250000 of 250600 bytes)' },
      ],
    });
  });
});

describe('st3 metrics serve', () => {
  it('reports an unreadable telemetry file on stderr (once, located) and in the scrape', async () => {
    await recordTelemetry({ dir: taskDir(), agent: 'reviewer', taskId: 'TASK-0001' }, (c) => c.fileRead('b.ts', 1));
    const reviewer = join(taskDir(), 'telemetry-reviewer.json');
    const text = await readFile(reviewer, 'utf8');
    await writeFile(reviewer, text.slice(0, Math.floor(text.length / 2)));

    const abort = new AbortController();
    const { io, stdout, stderr } = memoryIO({ cwd: root, env: { NO_COLOR: '1' }, signal: abort.signal });
    const running = runCli(cli, ['metrics', 'serve', '--port', '0', '--json'], io);
    try {
      let url = '';
      for (let i = 0; i < 200 && !url; i++) {
        await new Promise((r) => setTimeout(r, 25));
        url = stdout() ? (JSON.parse(stdout()) as { url: string }).url : '';
      }
      const scrape = await (await fetch(url)).text();
      await fetch(url);
      expect(scrape).toContain('st3_file_reads_total{agent="coder",task="TASK-0001"} 1');
      expect(scrape).toMatch(/^st3_telemetry_files_unreadable 1$/m);
      expect(scrape).toMatch(
        /^st3_telemetry_unreadable_file_info\{file="\.st3\/tasks\/TASK-0001\/telemetry-reviewer\.json",code="E_PARSE",line="\d+",column="\d+"\} 1$/m,
      );
      const warned = stderr()
        .split('\n')
        .filter((l) => l.startsWith(`${reviewer}:`));
      expect(warned).toHaveLength(1); // three loads (start and two scrapes), one report
      expect(warned[0]).toMatch(/:\d+:\d+: warning: not valid JSON/);
    } finally {
      abort.abort();
      expect(await running).toBe(130); // interrupted, as Ctrl-C
    }
  });
});
