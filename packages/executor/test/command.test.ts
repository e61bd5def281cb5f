import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSt3Error, type GraphInput } from '@st3/schemas';
import { commandRunner, execute, expandArgs, splitCommand } from '../src/index.js';

describe('command templates', () => {
  it('splits like a shell without expanding anything, and refuses what only a shell would do', () => {
    expect(splitCommand(`python3 -c 'print("a b")' "{file}" x\\ y '$HOME' {id}`)).toEqual([
      'python3',
      '-c',
      'print("a b")',
      '{file}',
      'x y',
      '$HOME',
      '{id}',
    ]);
    expect(splitCommand('node gen.mjs {{literal}} --at={file}:{start}')).toEqual([
      'node',
      'gen.mjs',
      '{{literal}}',
      '--at={file}:{start}',
    ]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isSt3Error(e) ? e.code : 'not an St3Error';
      }
      return 'no error';
    };
    expect(code(() => splitCommand('echo "oops'))).toBe('E_COMMAND_SYNTAX');
    expect(code(() => splitCommand('gen {id}; rm -rf /'))).toBe('E_COMMAND_SYNTAX');
    expect(code(() => splitCommand('gen $HOME'))).toBe('E_COMMAND_SYNTAX');
    expect(code(() => splitCommand('   '))).toBe('E_EXEC_COMMAND');
  });

  it('fills placeholders inside words; {{ }} are literal braces; unknown ones stay', () => {
    expect(
      expandArgs(['--at={file}:{start}-{end}', '{{id}}', '{nope}'], { file: 'a b.py', start: '3', end: '9', id: 'x' }),
    ).toEqual(['--at=a b.py:3-9', '{id}', '{nope}']);
  });
});

describe('commandRunner', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-cmd-'));
    await writeFile(
      join(dir, 'node.mjs'),
      `
const [id, file, start, end] = process.argv.slice(2);
if (id === 'bad' && process.env.ST3_ATTEMPT === '1') { console.error('SyntaxError: invalid syntax'); process.exit(1); }
if (id === 'hang') await new Promise((r) => setTimeout(r, 60000));
console.log(JSON.stringify({ id, file, start, end, attempt: process.env.ST3_ATTEMPT, t: process.env.ST3_TEMPERATURE, fb: process.env.ST3_FEEDBACK }));
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs the command per node as argv, retries a failure with feedback in ST3_FEEDBACK, kills on timeout', async () => {
    const graph: GraphInput = {
      nodes: [
        { id: 'ok', path: 'src/a file.py', startLine: 3, endLine: 9 },
        { id: 'bad' },
        { id: 'hang', timeoutMs: 200 },
      ],
      edges: [],
    };
    const run = commandRunner(`"${process.execPath}" node.mjs {id} {file} {start} {end}`, {
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    const r = await execute(graph, run, { retries: 1, backoff: { baseMs: 1 }, timeoutMs: 20_000 });
    const ok = JSON.parse((r.nodes.ok!.result as { stdout: string }).stdout);
    expect(ok).toEqual({ id: 'ok', file: 'src/a file.py', start: '3', end: '9', attempt: '1', t: '0.7', fb: '' });
    const bad = JSON.parse((r.nodes.bad!.result as { stdout: string }).stdout);
    expect(bad.attempt).toBe('2');
    expect(bad.t).toBe('0.5');
    expect(bad.fb).toMatch(/^Attempt 1 failed with a syntax error: .*SyntaxError: invalid syntax/);
    expect(r.nodes.hang).toMatchObject({ status: 'failed', error: { category: 'timeout' } });
  }, 20_000);

  it('reports a missing program as a non-retryable dependency error', async () => {
    const r = await execute(
      { nodes: [{ id: 'x' }], edges: [] },
      commandRunner('st3-no-such-program-xyz {id}', { cwd: dir, env: { PATH: process.env.PATH } }),
    );
    expect(r.nodes.x).toMatchObject({ status: 'failed', error: { category: 'dependency' } });
    expect(r.nodes.x!.attempts).toHaveLength(1);
  });
});
