import { St3Error } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import {
  defineCommand,
  ExitError,
  memoryIO,
  parseCommandArgs,
  parseKeyValues,
  runCli,
  runCommand,
  type CliDefinition,
} from '../src/index.js';

const echo = defineCommand({
  name: 'echo',
  summary: 'echoes',
  usage: 'x echo [--upper] <word>',
  examples: ['x echo hi'],
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { upper: { type: 'boolean' } });
    if (positionals.length === 0) throw new St3Error('E_USAGE', 'a word is required');
    if (positionals[0] === 'fail')
      throw new St3Error('E_SCHEMA', 'bad file', { file: 'a.yaml', line: 3, column: 2, hint: 'fix it' });
    if (positionals[0] === 'exit') throw new ExitError(1);
    if (positionals[0] === 'boom') throw new Error('kaput');
    io.stdout.write(`${values.upper ? positionals[0]!.toUpperCase() : positionals[0]}\n`);
    return 0;
  },
});

describe('runCommand', () => {
  it('runs and returns 0', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['--upper', 'hi'], m.io)).toBe(0);
    expect(m.stdout()).toBe('HI\n');
  });

  it('maps an unknown flag to a usage error (2)', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['--nope'], m.io)).toBe(2);
    expect(m.stderr()).toContain('E_USAGE');
  });

  it('prints the DESIGN.md JSON error document under --json, with location and hint', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['fail', '--json'], m.io)).toBe(1);
    expect(JSON.parse(m.stdout())).toEqual({
      ok: false,
      error: { code: 'E_SCHEMA', message: 'bad file', file: 'a.yaml', line: 3, column: 2, hint: 'fix it' },
    });
  });

  it('honours ExitError without printing and maps unknown errors to 3', async () => {
    const a = memoryIO();
    expect(await runCommand(echo, ['exit'], a.io)).toBe(1);
    expect(a.stderr()).toBe('');
    const b = memoryIO();
    expect(await runCommand(echo, ['boom'], b.io)).toBe(3);
    expect(b.stderr()).toContain('E_INTERNAL');
  });

  it('returns 130 when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const m = memoryIO({ signal: controller.signal });
    expect(await runCommand(echo, ['hi'], m.io)).toBe(130);
  });

  it('prints help with examples', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['--help'], m.io)).toBe(0);
    expect(m.stdout()).toContain('x echo hi');
  });
});

describe('runCli', () => {
  const cli: CliDefinition = {
    name: 'x',
    version: '1.2.3',
    description: 'test',
    commands: { echo: { summary: 'echoes', load: async () => echo } },
  };
  it('dispatches, prints version and rejects unknown commands', async () => {
    const a = memoryIO();
    expect(await runCli(cli, ['echo', 'yo'], a.io)).toBe(0);
    expect(a.stdout()).toBe('yo\n');
    const b = memoryIO();
    expect(await runCli(cli, ['--version'], b.io)).toBe(0);
    expect(b.stdout()).toBe('1.2.3\n');
    const c = memoryIO();
    expect(await runCli(cli, ['what'], c.io)).toBe(2);
  });
});

describe('parseKeyValues', () => {
  it('parses literals and rejects pairs without =', () => {
    expect(parseKeyValues(['a=1', 'b=true', 'c=hello', 'd=[1,2]'])).toEqual({ a: 1, b: true, c: 'hello', d: [1, 2] });
    expect(() => parseKeyValues(['oops'])).toThrow(/key=value/);
  });
});

describe('reportError with Node errors', () => {
  it('treats a Node error code (ERR_*) as an internal failure, not an ST3 error', async () => {
    const nodeError = Object.assign(new Error("Cannot find module 'x'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const cli: CliDefinition = {
      name: 'x',
      version: '1.0.0',
      description: 'd',
      commands: { broken: { summary: 's', load: () => Promise.reject(nodeError) } },
    };
    const text = memoryIO();
    expect(await runCli(cli, ['broken'], text.io)).toBe(3);
    expect(text.stderr()).toContain("E_INTERNAL Cannot find module 'x'");
    const json = memoryIO();
    expect(await runCli(cli, ['broken', '--json'], json.io)).toBe(3);
    expect(JSON.parse(json.stdout())).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
  });
});

describe('help of subcommands', () => {
  it('shows the help of the command that parses, even after positionals', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['word', '--help'], m.io)).toBe(0);
    expect(m.stdout()).toContain('Usage: x echo');
  });

  it("shows a subcommand's own help for `parent sub --help`", async () => {
    const { dispatchSubcommand } = await import('../src/index.js');
    const parent = defineCommand({
      name: 'p',
      summary: 'parent',
      usage: 'x p <echo>',
      examples: [],
      run: (argv, io) => dispatchSubcommand(parent, { echo }, argv, io),
    });
    const m = memoryIO();
    expect(await runCommand(parent, ['echo', '--help'], m.io)).toBe(0);
    expect(m.stdout()).toContain('Usage: x echo');
    const top = memoryIO();
    expect(await runCommand(parent, ['--help'], top.io)).toBe(0);
    expect(top.stdout()).toContain('Usage: x p');
  });
});
