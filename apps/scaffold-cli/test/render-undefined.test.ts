import { mkdirSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-undefined-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

it('st3 scaffold: an optional field printed as undefined is E_TEMPLATE at the template line (exit 2), nothing written', async () => {
  write(
    '.st3/config/artifacts.yaml',
    'artifact_types:\n  - type: code\n    type_id: widget\n    name: Widget\n    file_extension: .ts\n',
  );
  const template = [
    '<%/*',
    'version: 1.0.0',
    'context_schema:',
    '  type: object',
    '  properties: { name: { type: string }, label: { type: string }, count: { type: number } }',
    '*/%>',
    "<% layout('@lang/typescript') %>",
    "export const label = '<%= it.label %>';",
    'export const count = <%= it.count %>;',
    '',
  ].join('\n');
  write('.st3/templates/concrete/widget.ts.eta', template);
  const { io, stdout } = memoryIO({ cwd: root });
  const code = await runCli(cli, ['scaffold', 'widget', 'Foo', '--no-interactive', '--json'], io);
  expect(code).toBe(2);
  expect(JSON.parse(stdout()).error).toMatchObject({
    code: 'E_TEMPLATE',
    file: join(root, '.st3/templates/concrete/widget.ts.eta'),
    line: 8,
    column: 27,
  });
  expect(readdirSync(root)).toEqual(['.st3']);
});
