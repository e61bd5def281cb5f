import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-context-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function scaffold(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, ['scaffold', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

function file(name: string, text: string): string {
  writeFileSync(join(root, name), text);
  return join(root, name);
}

describe('st3 scaffold --context FILE: a bad value is located in the file', () => {
  it('points the error and its diagnostic at file:line:col of the value', async () => {
    const ctx = file('ctx2.yaml', 'fields:\n  - name: 5\n    type: string\n');
    const r = await scaffold('dto', 'Foo', '--context', 'ctx2.yaml', '--dry-run', '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({
      code: 'E_CONTEXT_INVALID',
      message: 'invalid context for dto: fields.0.name: Invalid input: expected string, received number',
      file: ctx,
      line: 2,
      column: 11,
    });
    expect(error.diagnostics).toEqual([
      expect.objectContaining({ path: ['fields', 0, 'name'], file: ctx, line: 2, column: 11 }),
    ]);
    expect(existsSync(join(root, 'src'))).toBe(false);
  });

  it('locates every problem (an unknown key at the key, a missing field at its mapping); text output names them', async () => {
    const ctx = file(
      'ctx.yaml',
      [
        'description: an order',
        'colour: red',
        'fields:',
        '  - name: id',
        '    type: nope',
        '  - type: string',
        '',
      ].join('\n'),
    );
    const r = await scaffold('dto', 'Foo', '--context', 'ctx.yaml', '--dry-run', '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    const where = (error.diagnostics as { path: unknown[]; file?: string; line?: number; column?: number }[]).map(
      (d) => `${d.path.join('.')}@${d.file === ctx ? 'ctx.yaml' : d.file}:${d.line}:${d.column}`,
    );
    expect(where.sort()).toEqual(['colour@ctx.yaml:2:1', 'fields.0.type@ctx.yaml:5:11', 'fields.1.name@ctx.yaml:6:5']);
    expect(error.file).toBe(ctx);
    const text = await scaffold('dto', 'Foo', '--context', 'ctx.yaml', '--dry-run');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`E_CONTEXT_INVALID ${ctx}:`);
    for (const at of ['2:1', '5:11', '6:5']) expect(text.stderr).toContain(`${ctx}:${at}`);
  });

  it('locates values of a JSON context file too', async () => {
    const ctx = file('ctx.json', '{\n  "fields": [\n    { "name": "ok", "optional": "yes" }\n  ]\n}\n');
    const r = await scaffold('dto', 'Foo', '--context', 'ctx.json', '--dry-run', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ file: ctx, line: 3, column: 33 });
  });

  it('does not locate a value --set gave over the file, nor the name the command line gives', async () => {
    file('ctx.yaml', 'name: 5\nfields:\n  - name: id\n');
    const r = await scaffold('dto', 'Foo', '--context', 'ctx.yaml', '--set', 'fields=[{"name":7}]', '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.diagnostics).toEqual([expect.objectContaining({ path: ['fields', 0, 'name'] })]);
    expect(error.diagnostics[0].file).toBeUndefined();
    expect(error.file).toBeUndefined();
  });
});

describe('st3 scaffold --context FILE: the file is read as it is', () => {
  it('a context file that is not UTF-8 is E_FILE_ENCODING at the byte, never rendered and recorded as U+FFFD', async () => {
    const ctx = join(root, 'latin1.yaml');
    // "café crème" saved as Latin-1: 0xe9 and 0xe8 are not UTF-8
    writeFileSync(
      ctx,
      Buffer.concat([
        Buffer.from('fields:\n  - name: id\n    type: string\ndescription: "caf'),
        Buffer.from([0xe9]),
        Buffer.from(' cr'),
        Buffer.from([0xe8]),
        Buffer.from('me"\n'),
      ]),
    );
    const r = await scaffold('dto', 'Foo', '--context', 'latin1.yaml', '--json');
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_FILE_ENCODING', file: ctx, line: 4, column: 18 });
    expect(r.code).toBe(1);
    expect(existsSync(join(root, 'src'))).toBe(false);
    expect(existsSync(join(root, '.st3', 'scaffold', 'answers.json'))).toBe(false);
  });

  it('a folder given as the context file is E_FILE_READ, not "not found"; a missing one E_FILE_NOT_FOUND', async () => {
    mkdirSync(join(root, 'ctx.yaml'));
    const folder = await scaffold('dto', 'Foo', '--context', 'ctx.yaml', '--dry-run', '--json');
    expect(JSON.parse(folder.stdout).error).toMatchObject({ code: 'E_FILE_READ', file: join(root, 'ctx.yaml') });
    expect(folder.code).toBe(3);
    const missing = await scaffold('dto', 'Foo', '--context', 'gone.yaml', '--dry-run', '--json');
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    expect(missing.code).toBe(2);
  });
});
