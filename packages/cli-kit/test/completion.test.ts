import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  completionModel,
  completionScript,
  defineCommand,
  loadCommandTree,
  memoryIO,
  runCommand,
  type CliDefinition,
} from '../src/index.js';

const list = defineCommand({
  name: 'list',
  summary: 'list things',
  options: {
    status: { type: 'enum', choices: ['open', 'closed'], description: 'by status' },
    out: { type: 'string', valueName: 'FILE', description: 'write to FILE' },
    secret: { type: 'boolean', hidden: true, description: 'not shown' },
  },
  examples: ['demo items list'],
  run: async () => 0,
});
const items = defineCommand({
  name: 'items',
  summary: "it's items",
  subcommands: { list },
  defaultSubcommand: 'list',
  examples: ['demo items'],
});
const cli: CliDefinition = {
  name: 'demo-cli',
  version: '1.0.0',
  description: 'demo',
  commands: { items: { summary: "it's items", load: async () => items } },
};

const dir = mkdtempSync(join(tmpdir(), 'cli-kit-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bash(words: string[]): Promise<string[]> {
  const file = join(dir, 'demo.bash');
  writeFileSync(file, completionScript('bash', cli.name, completionModel(cli, await loadCommandTree(cli))));
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const program = `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _demo_cli; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8', cwd: dir }).split('\n').filter(Boolean);
}

describe('completion scripts', () => {
  it('bash completes commands, the default subcommand options, enum values and files; hidden options stay hidden', async () => {
    writeFileSync(join(dir, 'out.txt'), '');
    expect(await bash(['demo-cli', 'it'])).toEqual(['items']);
    expect(await bash(['demo-cli', 'items', ''])).toEqual(['list']);
    expect(await bash(['demo-cli', 'items', '--st'])).toEqual(['--status']);
    expect(await bash(['demo-cli', 'items', 'list', '--status', ''])).toEqual(['open', 'closed']);
    expect(await bash(['demo-cli', 'items', 'list', '--out', 'ou'])).toEqual(['out.txt']);
    expect(await bash(['demo-cli', 'items', 'list', '--se'])).toEqual([]);
  });

  it('quotes descriptions for zsh and fish', async () => {
    const model = completionModel(cli, await loadCommandTree(cli));
    expect(completionScript('zsh', cli.name, model)).toContain(`'items:it'\\''s items'`);
    expect(completionScript('fish', cli.name, model)).toContain(`-d 'it\\'s items'`);
    expect(completionScript('zsh', cli.name, model)).toContain('compdef _demo_cli demo-cli');
  });

  it('takes a word that is not a subcommand as an argument of a default subcommand with arguments', async () => {
    const take = defineCommand({
      name: 'take',
      summary: 'take files',
      args: [{ name: 'files', description: 'files', variadic: true }],
      run: async ({ args, io }) => (io.stdout.write(`${args.files.join(',')}\n`), 0),
    });
    const group = defineCommand({ name: 'g', summary: 'g', subcommands: { take, list }, defaultSubcommand: 'take' });
    const m = memoryIO();
    expect(await runCommand(group, ['a.ts', 'b.ts'], m.io)).toBe(0);
    expect(m.stdout()).toBe('a.ts,b.ts\n');
    const typo = memoryIO();
    expect(await runCommand(group, ['lsit'], typo.io)).toBe(2);
    expect(typo.stderr()).toContain('did you mean "list"?');
  });
});
