import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-set-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function scaffold(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, ['scaffold', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('st3 scaffold --set: a value that starts like JSON must be JSON', () => {
  it('broken JSON is E_USAGE naming the key and the column, not "expected array, received string"', async () => {
    const r = await scaffold('dto', 'Foo', '--set', 'fields=[{"name":"a"', '--dry-run', '--json');
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toMatch(/^--set fields: .*not valid JSON \(column 12 of the value\)/);
    expect(error.hint).toMatch(/quote the whole pair for the shell.*--context FILE/);
    expect(error.details).toMatchObject({ key: 'fields', column: 12 });
    expect(existsSync(join(root, 'src'))).toBe(false);
  });

  it('says so in text too, for an object and a quoted string that do not parse', async () => {
    const obj = await scaffold('dto', 'Foo', '--set', 'fields=[{name:"a"}]', '--dry-run');
    expect(obj.code).toBe(2);
    expect(obj.stderr).toMatch(/E_USAGE --set fields: .*column 3 of the value/);
    const str = await scaffold('commit', 'x', '--set', 'type=feat', '--set', 'scope="a\\q"');
    expect(str.code).toBe(2);
    expect(str.stderr).toMatch(/E_USAGE --set scope: .*column 4 of the value/);
  });

  it('valid JSON parses; plain strings (brackets inside, not first) stay strings; "[..]" is a string', async () => {
    const ok = await scaffold(
      'dto',
      'Foo',
      '--set',
      'fields=[{"name":"id","type":"string"}]',
      '--set',
      'description=a [b] {c}',
      '--json',
    );
    expect(ok.code).toBe(0);
    const written = readFileSync(join(root, 'src/dtos/foo.ts'), 'utf8');
    expect(written).toContain('a [b] {c}');
    const commit = await scaffold('commit', 'x', '--set', 'type=feat', '--set', 'scope="[wip]"');
    expect(commit.code).toBe(0);
    expect(commit.stdout).toContain('feat([wip]): x');
  });
});
