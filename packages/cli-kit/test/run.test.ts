import { St3Error } from '@st3/schemas/errors';
import { describe, expect, it } from 'vitest';
import {
  defineCommand,
  ExitError,
  memoryIO,
  parseKeyValues,
  runCli,
  runCommand,
  type CliDefinition,
} from '../src/index.js';

const echo = defineCommand({
  name: 'echo',
  summary: 'echoes',
  args: [{ name: 'word', description: 'what to echo', required: true }],
  options: { upper: { type: 'boolean', description: 'in capitals' } },
  examples: ['x echo hi'],
  async run({ args, values, io }) {
    if (args.word === 'fail')
      throw new St3Error('E_SCHEMA', 'bad file', { file: 'a.yaml', line: 3, column: 2, hint: 'fix it' });
    if (args.word === 'exit') throw new ExitError(1);
    if (args.word === 'boom') throw new Error('kaput');
    io.stdout.write(`${values.upper ? args.word.toUpperCase() : args.word}\n`);
    return 0;
  },
});

const group = defineCommand({
  name: 'p',
  summary: 'parent',
  subcommands: {
    echo,
    list: defineCommand({ name: 'list', summary: 'lists', run: async ({ io }) => (io.stdout.write('listed\n'), 0) }),
  },
  examples: ['x p echo hi'],
});

describe('runCommand', () => {
  it('runs and returns 0', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['--upper', 'hi'], m.io)).toBe(0);
    expect(m.stdout()).toBe('HI\n');
  });

  it('maps an unknown flag to a usage error (2) with a suggestion', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['hi', '--uper'], m.io, 'x echo')).toBe(2);
    expect(m.stderr()).toContain('E_USAGE unknown option --uper');
    expect(m.stderr()).toContain('did you mean --upper?');
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

  it('prints help with examples, even after positionals', async () => {
    const m = memoryIO();
    expect(await runCommand(echo, ['word', '--help'], m.io, 'x echo')).toBe(0);
    expect(m.stdout()).toContain('Usage: x echo [options] <word>');
    expect(m.stdout()).toContain('x echo hi');
  });

  it('colours error lines on a TTY, and not with --no-color or NO_COLOR', async () => {
    const tty = memoryIO({ tty: true });
    await runCommand(echo, ['hi', '--nope'], tty.io);
    expect(tty.stderr()).toContain('\u001b[31merror');
    const flag = memoryIO({ tty: true });
    await runCommand(echo, ['hi', '--nope', '--no-color'], flag.io);
    expect(flag.stderr()).not.toContain('\u001b[');
    const env = memoryIO({ tty: true, env: { NO_COLOR: '1' } });
    await runCommand(echo, ['hi', '--nope'], env.io);
    expect(env.stderr()).not.toContain('\u001b[');
  });
});

describe('subcommands', () => {
  it("shows a subcommand's own help for `parent sub --help`, and the group's for `parent --help`", async () => {
    const m = memoryIO();
    expect(await runCommand(group, ['echo', '--help'], m.io, 'x p')).toBe(0);
    expect(m.stdout()).toContain('Usage: x p echo [options] <word>');
    const top = memoryIO();
    expect(await runCommand(group, ['--help'], top.io, 'x p')).toBe(0);
    expect(top.stdout()).toContain('Usage: x p <command> [args]');
    expect(top.stdout()).toMatch(/Commands:\n {2}echo +echoes\n {2}list +lists/);
  });

  it('prints the group help with exit 2 when no subcommand is named', async () => {
    const m = memoryIO();
    expect(await runCommand(group, [], m.io, 'x p')).toBe(2);
    expect(m.stdout()).toContain('Commands:');
  });

  it('suggests the subcommand meant, in text and under --json', async () => {
    const m = memoryIO();
    expect(await runCommand(group, ['lsit'], m.io, 'x p')).toBe(2);
    expect(m.stderr()).toContain('unknown command "x p lsit"');
    expect(m.stderr()).toContain('did you mean "list"?');
    const j = memoryIO();
    expect(await runCommand(group, ['ecoh', '--json'], j.io, 'x p')).toBe(2);
    expect(JSON.parse(j.stdout())).toMatchObject({
      ok: false,
      error: { code: 'E_USAGE', message: 'unknown command "x p ecoh"', details: { suggestions: ['echo'] } },
    });
  });

  it('never takes a prototype property for a subcommand', async () => {
    const m = memoryIO();
    expect(await runCommand(group, ['constructor'], m.io, 'x p')).toBe(2);
    expect(m.stderr()).toContain('unknown command');
  });

  it('runs the default subcommand when only options are given', async () => {
    const withDefault = defineCommand({
      name: 'd',
      summary: 'd',
      subcommands: group.subcommands,
      defaultSubcommand: 'list',
    });
    const m = memoryIO();
    expect(await runCommand(withDefault, ['--quiet'], m.io)).toBe(0);
    expect(m.stdout()).toBe('listed\n');
    const help = memoryIO();
    await runCommand(withDefault, ['--help'], help.io);
    expect(help.stdout()).toContain('list  lists (default)');
  });
});

describe('argv aliases', () => {
  const aliased = defineCommand({
    name: 'p',
    summary: 'parent with an older flag form',
    subcommands: group.subcommands,
    argvAliases: async (argv) => {
      if (argv[0] !== '--say') return undefined;
      const rest = argv.slice(1).map((a) => (a === '--format=json' ? '--json' : a));
      return { command: echo, argv: rest, path: 'x p echo' };
    },
  });

  it('runs the command an older form stands for, and leaves other forms alone', async () => {
    const m = memoryIO();
    expect(await runCommand(aliased, ['--say', 'hi', '--upper'], m.io, 'x p')).toBe(0);
    expect(m.stdout()).toBe('HI\n');
    const plain = memoryIO();
    expect(await runCommand(aliased, ['list'], plain.io, 'x p')).toBe(0);
    expect(plain.stdout()).toBe('listed\n');
  });

  it('reports errors by the rewritten arguments (JSON when they ask for it)', async () => {
    const m = memoryIO();
    expect(await runCommand(aliased, ['--say', 'fail', '--format=json'], m.io, 'x p')).toBe(1);
    expect(JSON.parse(m.stdout())).toMatchObject({ ok: false, error: { code: 'E_SCHEMA', file: 'a.yaml' } });
  });
});

describe('runCli', () => {
  const cli: CliDefinition = {
    name: 'x',
    version: '1.2.3',
    description: 'test',
    commands: {
      echo: { summary: 'echoes', load: async () => echo },
      p: { summary: 'parent', load: async () => group },
    },
  };
  it('dispatches, prints version and rejects unknown commands with a suggestion', async () => {
    const a = memoryIO();
    expect(await runCli(cli, ['echo', 'yo'], a.io)).toBe(0);
    expect(a.stdout()).toBe('yo\n');
    const b = memoryIO();
    expect(await runCli(cli, ['--version'], b.io)).toBe(0);
    expect(b.stdout()).toBe('1.2.3\n');
    const c = memoryIO();
    expect(await runCli(cli, ['ehco'], c.io)).toBe(2);
    expect(c.stderr()).toContain('did you mean "echo"?');
  });

  it("`help <command...>` prints that command's help", async () => {
    const m = memoryIO();
    expect(await runCli(cli, ['help', 'p', 'echo'], m.io)).toBe(0);
    expect(m.stdout()).toContain('Usage: x p echo [options] <word>');
  });

  it('reports a missing required argument as a usage error naming it', async () => {
    const m = memoryIO();
    expect(await runCli(cli, ['echo', '--json'], m.io)).toBe(2);
    expect(JSON.parse(m.stdout()).error).toMatchObject({ code: 'E_USAGE', message: 'missing <word>: what to echo' });
  });
});

describe('parseKeyValues', () => {
  it('parses literals and rejects pairs without =', () => {
    expect(parseKeyValues(['a=1', 'b=true', 'c=hello', 'd=[1,2]'])).toEqual({ a: 1, b: true, c: 'hello', d: [1, 2] });
    expect(() => parseKeyValues(['oops'])).toThrow(/key=value/);
  });

  it('a value that starts like JSON must be JSON: E_USAGE with the key and column, never a silent string', () => {
    expect(parseKeyValues(['s="[wip]"', 'o={"a":1}', 'p=a [b] {c}'])).toEqual({
      s: '[wip]',
      o: { a: 1 },
      p: 'a [b] {c}',
    });
    let error: unknown;
    try {
      parseKeyValues(['fields=[{"name":"a"'], '--set', 'use --context FILE');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_USAGE', details: { key: 'fields', column: 12 } });
    expect((error as Error).message).toMatch(/^--set fields: .*not valid JSON \(column 12 of the value\)/);
    expect((error as { hint: string }).hint).toMatch(/or use --context FILE;/);
    expect(() => parseKeyValues(['x=[wip] a'])).toThrow(/column 2 of the value/);
    expect(() => parseKeyValues(['x=[1,'])).toThrow(/column 3 of the value\): it ends too early/);
    expect(Object.getPrototypeOf(parseKeyValues(['__proto__={"polluted":1}']))).toBe(Object.prototype);
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
