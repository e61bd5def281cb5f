import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandArgv, findShellSyntax, splitCommand, splitCommandOrThrow } from '../src/index.js';

/** POSIX single-quoting: the one quoting that makes every byte literal. */
const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** What a real POSIX shell makes of the string as a simple command's words. */
function shWords(command: string): string[] {
  const r = spawnSync('sh', ['-c', `set -f; for a in ${command}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('splitCommand', () => {
  it('splits words, quotes and escapes like a shell', () => {
    expect(splitCommand(`node -e 'console.log(1; 2)' "a b" c\\ d "x\\"y" ''`)).toEqual({
      ok: true,
      argv: ['node', '-e', 'console.log(1; 2)', 'a b', 'c d', 'x"y', ''],
    });
    expect(splitCommand('  ruff   check\t. ')).toEqual({ ok: true, argv: ['ruff', 'check', '.'] });
    expect(splitCommand(`echo "it's" '$(x)' "\\$HOME"`)).toEqual({ ok: true, argv: ['echo', "it's", '$(x)', '$HOME'] });
  });

  it('refuses shell syntax with its column: the issue example', () => {
    const r = splitCommand('node --version; touch SHELLRAN_$(whoami)');
    expect(r).toMatchObject({ ok: false, error: { index: 14, line: 1, column: 15, token: ';' } });
  });

  it.each([
    ['a | b', '|', 3],
    ['a && b', '&&', 3],
    ['a || b', '||', 3],
    ['a & ', '&', 3],
    ['a > out', '>', 3],
    ['a 2>&1', '>', 4],
    ['a < in', '<', 3],
    ['echo `id`', '`', 6],
    ['echo "$(id)"', '$(', 7],
    ['echo "`id`"', '`', 7],
    ['echo $HOME', '$', 6],
    ['echo "${HOME}"', '$', 7],
    ['ls *.py', '*', 4],
    ['ls file?', '?', 8],
    ['ls [ab]', '[', 4],
    ['cd ~/x', '~', 4],
    ['(a)', '(', 1],
    ['a # comment', '#', 3],
    ['echo {a,b}', '{', 6],
    ['a\nb', '\n', 2],
  ])('refuses %j at %s (column %d)', (command, token, column) => {
    expect(findShellSyntax(command)).toMatchObject({ token, column });
  });

  it('keeps literal what a shell keeps literal', () => {
    for (const command of ['c a=b', 'x#y', 'a~b', 'a{b', 'echo $', 'echo "a$"', "'*'", '"?"', 'a\\*'])
      expect(splitCommand(command).ok, command).toBe(true);
  });

  it('refuses a command word only a shell understands: `!` (negation) and `NAME=value` (an assignment)', () => {
    expect(splitCommand('! grep -r x src')).toMatchObject({
      ok: false,
      error: { column: 1, token: '!', message: '"!" needs a shell (negation)' },
    });
    expect(splitCommand('  FOO_1="a b" node x')).toMatchObject({
      ok: false,
      error: { column: 3, token: 'FOO_1=', message: '"FOO_1=" needs a shell (assignment)' },
    });
    expect(findShellSyntax('CI=1')).toMatchObject({ kind: 'assignment', column: 1 });
    // Quoted, escaped or later in the line they are ordinary words.
    expect(splitCommand("'!' x")).toEqual({ ok: true, argv: ['!', 'x'] });
    expect(splitCommand('\\! x')).toEqual({ ok: true, argv: ['!', 'x'] });
    expect(splitCommand('"A=1" x')).toEqual({ ok: true, argv: ['A=1', 'x'] });
    expect(splitCommand('env A=1 node ! x')).toEqual({ ok: true, argv: ['env', 'A=1', 'node', '!', 'x'] });
    expect(splitCommand('pnpm --filter=@x/y test')).toEqual({ ok: true, argv: ['pnpm', '--filter=@x/y', 'test'] });
  });

  it('reports unterminated quotes and an empty command, without a token', () => {
    expect(splitCommand(`a 'b`)).toMatchObject({
      ok: false,
      error: { column: 3, message: 'unterminated single quote' },
    });
    expect(splitCommand(`a "b`)).toMatchObject({
      ok: false,
      error: { column: 3, message: 'unterminated double quote' },
    });
    expect(splitCommand('   ')).toMatchObject({ ok: false, error: { message: 'empty command' } });
    expect(findShellSyntax(`a 'b`)).toBeUndefined();
  });

  it('splitCommandOrThrow gives E_COMMAND_SYNTAX at the file position of the string', () => {
    let caught: unknown;
    try {
      splitCommandOrThrow('pytest -q; rm -rf x', { file: 'a.task.yaml', line: 7, column: 14 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'E_COMMAND_SYNTAX', file: 'a.task.yaml', line: 7, column: 23 });
    expect((caught as { hint: string }).hint).toContain('shell: true');
  });

  it('property: single-quoted arbitrary argv splits back to itself', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (argv) => {
        expect(splitCommand(argv.map(quote).join(' '))).toEqual({ ok: true, argv });
      }),
      { numRuns: 500 },
    );
  });

  it('property: whatever it accepts, sh splits the same way', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      ' ',
      '  ',
      '\t',
      "'",
      '"',
      '\\',
      'x y',
      '$',
      '=',
      '-',
      '.',
      '/',
      '%',
      ':',
      ',',
      'é',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 14 }), (pieces) => {
        const command = pieces.join('');
        const r = splitCommand(command);
        if (!r.ok) return;
        expect(shWords(command)).toEqual(r.argv);
      }),
      { numRuns: 150 },
    );
  });
});

describe('commandArgv', () => {
  it('keeps lists, splits strings, and runs sh -c only when asked', () => {
    expect(commandArgv(['a', 'b c'])).toEqual(['a', 'b c']);
    expect(commandArgv('pytest -q "tests dir"')).toEqual(['pytest', '-q', 'tests dir']);
    expect(commandArgv('make && make test', { shell: true })).toEqual(['sh', '-c', 'make && make test']);
    expect(() => commandArgv('make && make test')).toThrow(expect.objectContaining({ code: 'E_COMMAND_SYNTAX' }));
  });
});
