import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { cli as metricsCli } from '@st3/metrics-cli';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { call, connect, texts } from './harness.js';
import { git, repoRoot } from './workspace.js';

// The MCP tools that mirror `st3 telemetry record`, `st3 metrics compare` and `st3 gates init` give what
// the CLI gives on the same workspace (they call the same library functions): the same document or the
// same error, the same files written.

const TASK = 'tasks/TASK-0001-example-evidence.task.yaml';
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A workspace: `.st3/`, the example task, and whatever `files` add (a `null` value deletes). */
async function workspace(files: Record<string, string | null> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-parity-'));
  dirs.push(dir);
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'tasks'));
  await cp(join(repoRoot, 'examples', TASK), join(dir, TASK));
  for (const [path, text] of Object.entries(files)) {
    if (text === null) await rm(join(dir, path));
    else {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  }
  return dir;
}

/** `st3-metrics <argv> --json` in `dir`, in this process: the exit code and the JSON document. */
async function cli(dir: string, argv: string[]): Promise<{ code: number; doc: Record<string, unknown> }> {
  const m = memoryIO({ cwd: dir, env: {} });
  const code = await runCli(metricsCli, [...argv, '--json'], m.io);
  return { code, doc: JSON.parse(m.stdout()) as Record<string, unknown> };
}

/** One MCP tool call on `dir` over stdio: isError and the JSON document (the result or the error). */
async function mcp(dir: string, tool: string, args: Record<string, unknown>) {
  const c = await connect('stdio', dir);
  try {
    const r: CallToolResult = await call(c.client, tool, args);
    return { isError: r.isError ?? false, doc: JSON.parse(texts(r)[1]!) as Record<string, unknown> };
  } finally {
    await c.close();
  }
}

/** `st3 telemetry record TASK-0001 --agent implementer <flags>` and telemetry_record with `args`, each on a twin workspace. */
async function record(files: Record<string, string | null>, flags: string[], args: Record<string, unknown>) {
  const [cliDir, mcpDir] = [await workspace(files), await workspace(files)];
  const c = await cli(cliDir, ['telemetry', 'record', 'TASK-0001', '--agent', 'implementer', ...flags]);
  const m = await mcp(mcpDir, 'telemetry_record', { id: 'TASK-0001', agent: 'implementer', ...args });
  return { cli: c, mcp: m, cliDir, mcpDir };
}

const CONTEXT = { '.st3/tasks/TASK-0001/context.json': '{}' };

/** The tool's document as the CLI words it: the CLI's `recorded` lists the events (the tool's `events`; its `recorded` counts them). */
function asCli(r: { isError: boolean; doc: Record<string, unknown> }) {
  const { recorded: _counts, events, ...rest } = r.doc;
  return { isError: r.isError, doc: { ...rest, recorded: events } };
}
const telemetry = async (dir: string, file: string) =>
  JSON.parse(await readFile(join(dir, file), 'utf8')) as { commands: { argv: string[] }[] };

describe('telemetry_record is st3 telemetry record', () => {
  it('a task without a context: E_CONTEXT_NOT_FOUND from both, nothing written', async () => {
    const r = await record({}, ['--warning', 'w'], { warning: 'w' });
    expect(r.cli.code).toBe(2);
    expect(r.cli.doc).toMatchObject({ ok: false, error: { code: 'E_CONTEXT_NOT_FOUND' } });
    expect(r.mcp).toEqual({ isError: true, doc: r.cli.doc });
    expect(existsSync(join(r.mcpDir, '.st3/tasks'))).toBe(false);
  });

  it('nothing to record: E_USAGE from both', async () => {
    const r = await record(CONTEXT, [], {});
    expect(r.cli.code).toBe(2);
    expect(r.cli.doc).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: 'nothing to record' } });
    expect(r.mcp).toEqual({ isError: true, doc: r.cli.doc });
  });

  it('a quoted command is split as the CLI splits it: the same document and argv', async () => {
    const command = 'pnpm test -- -t "adds two"';
    const r = await record(CONTEXT, ['--command', command, '--exit-code', '0', '--duration-ms', '5'], {
      command,
      exitCode: 0,
      durationMs: 5,
    });
    expect(r.cli.code).toBe(0);
    expect(asCli(r.mcp)).toEqual({ isError: false, doc: r.cli.doc });
    const file = '.st3/tasks/TASK-0001/telemetry-implementer.json';
    expect(r.cli.doc.file).toBe(file);
    const argv = ['pnpm', 'test', '--', '-t', 'adds two'];
    expect((await telemetry(r.cliDir, file)).commands.map((x) => x.argv)).toEqual([argv]);
    expect((await telemetry(r.mcpDir, file)).commands.map((x) => x.argv)).toEqual([argv]);
  });

  it("writes into the tasks config's context_dir, where metrics collect reads", async () => {
    const files = {
      '.st3/config/tasks.yaml': 'task_dirs: [tasks]\ncontext_dir: ctx\n',
      'ctx/TASK-0001/context.json': '{}',
    };
    const r = await record(files, ['--warning', 'w'], { warning: 'w' });
    expect(r.cli.code).toBe(0);
    expect(asCli(r.mcp)).toEqual({ isError: false, doc: r.cli.doc });
    expect(r.cli.doc.file).toBe('ctx/TASK-0001/telemetry-implementer.json');
    expect(existsSync(join(r.mcpDir, 'ctx/TASK-0001/telemetry-implementer.json'))).toBe(true);
    expect(existsSync(join(r.mcpDir, '.st3/tasks'))).toBe(false);
  });

  it('a task whose file was moved out but whose context is kept: recorded by both', async () => {
    const r = await record({ ...CONTEXT, [TASK]: null }, ['--warning', 'w'], { warning: 'w' });
    expect(r.cli.code).toBe(0);
    expect(asCli(r.mcp)).toEqual({ isError: false, doc: r.cli.doc });
  });
});

describe('metrics_compare is st3 metrics compare', () => {
  it("reads a task's metrics.json as the CLI does", async () => {
    const dir = await workspace();
    const { initContext, loadTasksConfig } = await import('@st3/evidence');
    await initContext(await loadTasksConfig(dir), 'TASK-0001', { tool: 'test' });
    expect((await cli(dir, ['telemetry', 'record', 'TASK-0001', '--agent', 'a', '--warning', 'w'])).code).toBe(0);
    await cli(dir, ['metrics', 'collect', 'TASK-0001']);
    const file = '.st3/tasks/TASK-0001/metrics.json';
    expect(existsSync(join(dir, file))).toBe(true);
    const c = await cli(dir, ['metrics', 'compare', file, file]);
    expect(c.code).toBe(0);
    expect(await mcp(dir, 'metrics_compare', { baseline: file, current: file })).toEqual({
      isError: false,
      doc: c.doc,
    });
  });
});

describe('init_gates is st3 gates init', () => {
  it('keeps the gate logs and run state out of git, and says so', async () => {
    const dir = await workspace({ 'package.json': '{"devDependencies":{"eslint":"^9"}}', 'tsconfig.json': '{}' });
    git(dir, 'init', '-q', '-b', 'main');
    const r = await mcp(dir, 'init_gates', {});
    expect(r).toMatchObject({
      isError: false,
      doc: {
        ok: true,
        path: '.st3/config/quality.yaml',
        presets: ['eslint', 'tsc'],
        gitignore: { added: ['.st3/logs/', '.st3/state.json'], created: true },
      },
    });
    expect(Object.keys(r.doc)).toEqual(['ok', 'path', 'presets', 'reasons', 'gitignore']);
    await writeFile(join(dir, '.st3/state.json'), '{}');
    expect(git(dir, 'check-ignore', '.st3/state.json', '.st3/logs/gates/x.log').toString()).toBe(
      '.st3/state.json\n.st3/logs/gates/x.log\n',
    );
    expect(await mcp(dir, 'init_gates', {})).toMatchObject({
      isError: true,
      doc: { error: { code: 'E_CONFIG_EXISTS' } },
    });
    expect(execFileSync('git', ['status', '--porcelain', '--', '.st3/state.json'], { cwd: dir }).toString()).toBe('');
  });
});
