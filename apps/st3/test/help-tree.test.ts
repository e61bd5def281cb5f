import {
  acceptedOptions,
  helpText,
  loadCommandTree,
  memoryIO,
  parseCommand,
  runCli,
  type Command,
  type OptionSpec,
} from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { cli } from '../src/cli.js';

/**
 * Every command and subcommand of `st3`: its help is rendered and read back like a user would read it,
 * then compared with what the parser accepts. An option or argument parsing takes that help does not
 * show (or the reverse) fails here.
 */
interface Node {
  path: string[];
  command: Command;
}

function walk(command: Command, path: string[], out: Node[]): Node[] {
  out.push({ path, command });
  for (const [name, sub] of Object.entries(command.subcommands)) walk(sub, [...path, name], out);
  return out;
}

/** Help sections by title (`Options:`, `Common options:`, `Arguments:`, `Commands:`): the left cell of each row. */
function sections(help: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of help.split('\n')) {
    if (/^\S.*:$/.test(line)) {
      current = [];
      found.set(line.startsWith('Options') ? 'Options' : line.slice(0, -1), current);
    } else if (/^ {2}\S/.test(line)) current?.push(line.slice(2).split(/ {2,}/)[0]!);
    else if (line === '') current = undefined;
  }
  return found;
}

/** `-q, --quiet` → ['-q', '--quiet']; `--scope auto|branch` → ['--scope']. */
const optionNames = (cell: string) => [...cell.matchAll(/(?:^|, )(-{1,2}[A-Za-z0-9][\w-]*)/g)].map((m) => m[1]!);

const sample = (spec: OptionSpec): string[] =>
  spec.type === 'boolean'
    ? []
    : [spec.type === 'enum' ? spec.choices[0]! : spec.type === 'number' ? String(spec.min ?? spec.max ?? 1) : 'x'];

const tree = await loadCommandTree(cli);
const nodes = Object.entries(tree).flatMap(([name, command]) => walk(command, ['st3', name], []));

describe('the help of every st3 command', () => {
  it('walks the whole tree', () => {
    expect(Object.keys(tree).sort()).toEqual(Object.keys(cli.commands).sort());
    expect(nodes.length).toBeGreaterThan(50);
  });

  it.each(nodes.map((n) => [n.path.join(' '), n] as const))('%s', async (path, { command }) => {
    const help = helpText(command, path);
    const shown = sections(help);
    const fallback = command.defaultSubcommand ? command.subcommands[command.defaultSubcommand] : undefined;
    const runnable = command.run ? command : fallback;

    // `st3 … --help` prints this very text, so the dispatcher reaches this node.
    const m = memoryIO();
    expect(await runCli(cli, [...path.split(' ').slice(1), '--help'], m.io)).toBe(0);
    expect(m.stdout()).toBe(help);
    expect(help).toContain(command.summary);
    expect(command.examples.length, `${path} has no example`).toBeGreaterThan(0);

    // Subcommands: listed exactly.
    expect((shown.get('Commands') ?? []).sort()).toEqual(Object.keys(command.subcommands).sort());

    // Options: what help shows is what the parser accepts (deprecated spellings and hidden options aside).
    const helpOptions = new Set(
      [...(shown.get('Options') ?? []), ...(shown.get('Common options') ?? [])].flatMap(optionNames),
    );
    if (!runnable) {
      expect(shown.has('Options')).toBe(false);
      return;
    }
    const accepted = [...acceptedOptions(runnable)].filter(([, o]) => !o.deprecatedName && !o.spec.hidden);
    expect([...helpOptions].sort()).toEqual(accepted.map(([name]) => name).sort());

    // Positionals: every argument is shown, and only those.
    const shownArgs = (shown.get('Arguments') ?? []).filter((cell) => !cell.startsWith('--'));
    expect(shownArgs.map((c) => c.replace(/^[<[]|\.\.\.|[>\]]$/g, ''))).toEqual(runnable.args.map((a) => a.name));

    // And the parser takes each shown option, with the required arguments filled in.
    const argv = runnable.args.filter((a) => a.required).map((a) => a.choices?.[0] ?? 'x');
    const runPath = runnable === command ? path : `${path} ${command.defaultSubcommand}`;
    for (const name of helpOptions) {
      const option = acceptedOptions(runnable).get(name)!;
      expect(() => parseCommand(runnable, [...argv, name, ...sample(option.spec)], runPath), name).not.toThrow();
    }
    expect(() => parseCommand(runnable, [...argv, '--surely-not-an-option'], runPath)).toThrow(/unknown option/);
  });
});

describe('st3 run --help', () => {
  it('names every stage --only accepts', async () => {
    const { STAGE_ORDER } = await import('../src/lib/stages.js');
    const m = memoryIO();
    expect(await runCli(cli, ['run', '--help'], m.io)).toBe(0);
    const listed = /comma-separated:\s*([\w,\s]+)\)/.exec(m.stdout())?.[1]?.replace(/\s+/g, '');
    expect(listed?.split(',')).toEqual(['config', ...STAGE_ORDER.map((s) => s.name)]);
  });
});
