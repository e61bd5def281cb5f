import { describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

interface Described {
  description?: readonly string[];
  subcommands?: Record<string, Described>;
}

function paragraphs(name: string, command: Described): [string, string][] {
  const own = (command.description ?? []).map((p): [string, string] => [name, p]);
  const subs = Object.entries(command.subcommands ?? {}).flatMap(([sub, c]) => paragraphs(`${name} ${sub}`, c));
  return [...own, ...subs];
}

describe('--help descriptions', () => {
  it('each entry is a whole paragraph (help puts a blank line between entries), never a line cut mid-sentence', async () => {
    const all: [string, string][] = [];
    for (const [name, entry] of Object.entries(cli.commands))
      all.push(...paragraphs(name, (await entry.load()) as unknown as Described));
    expect(all.length).toBeGreaterThan(0);
    const cut = all.filter(([, p]) => !/[.)]$/.test(p.trim()));
    expect(cut).toEqual([]);
  });
});
