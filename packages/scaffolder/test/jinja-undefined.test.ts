import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createScaffolder } from '../src/index.js';
import { tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
let root: string;
beforeEach(() => {
  t = tempDir();
  root = join(t.dir, '.st3', 'templates');
  const registry =
    'artifact_types:\n  - type: code\n    type_id: dto\n    name: DTO\n    template_path: concrete/dto.py.jinja2\n    file_extension: .py\n';
  write(join(t.dir, '.st3/config/artifacts.yaml'), registry);
});
afterEach(() => t.cleanup());

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { name: { type: 'string' }, description: { type: 'string' }, owner: { type: 'object' } },
});

/** The concrete template: metadata, then `body` (its first line is line 5 of the file). */
function concrete(body: string[], layout?: string): void {
  write(join(root, 'concrete/dto.context.json'), SCHEMA);
  const head = ['{# META', 'version: "1.0.0"', 'context_schema: dto.context.json', '#}'];
  write(
    join(root, 'concrete/dto.py.jinja2'),
    [...head, ...(layout ? [`{% extends "${layout}" %}`] : []), ...body, ''].join('\n'),
  );
}

async function render(context: Record<string, unknown> = {}) {
  const s = await createScaffolder({ workspace: t.dir });
  return () => s.render({ type: 'dto', name: 'Trade', context, withTest: false, pipeline: 'v2' });
}

it('an undefined or null {{ output }} is E_TEMPLATE at the template file:line:col, naming the expression', async () => {
  concrete(['class {{ name }}:', '    """{{ description }}"""', '    owner = "{{- owner.name -}}"']);
  expect(await render()).toThrow(
    expect.objectContaining({
      code: 'E_TEMPLATE',
      file: join(root, 'concrete/dto.py.jinja2'),
      line: 6,
      column: 11,
      message: expect.stringContaining('`description` is undefined'),
      details: { template: 'concrete/dto.py.jinja2', expression: 'description', printed: 'undefined' },
    }),
  );
  expect(await render({ description: 'D', owner: {} })).toThrow(
    expect.objectContaining({ line: 7, column: 18, details: expect.objectContaining({ expression: 'owner.name' }) }),
  );
  expect(await render({ description: 'D', owner: { name: null } })).toThrow(
    expect.objectContaining({ line: 7, details: expect.objectContaining({ printed: 'null' }) }),
  );
  expect((await render({ description: 'D', owner: { name: 'me' } }))().files[0]!.content).toContain('owner = "me"');
});

it('{% if %}, default, `is defined` and inline if still render what is missing as nothing', async () => {
  concrete([
    'class {{ name }}:',
    '{% if description %}    """{{ description }}"""{% endif %}',
    '    a = "{{ description | default("none") }}"',
    '    b = {{ "True" if owner is defined else "False" }}',
    '    c = "{{ owner.name if owner }}"',
    '    d = "{{ (description or "x") }}"',
  ]);
  expect((await render())().files[0]!.content.split('\n').slice(2)).toEqual([
    'class Trade:',
    '    a = "none"',
    '    b = False',
    '    c = ""',
    '    d = "x"',
    '',
  ]);
});

it('an output of nothing in a layout or an included partial is located in that file', async () => {
  write(join(root, 'tier1.py.jinja2'), '"""{{ name }}."""\n{% block body %}{% endblock %}\n# owner: {{ owner }}\n');
  write(join(root, 'partials/doc.jinja2'), '# doc\n  # {{ description }}\n');
  concrete(
    ['{% block body %}', 'class {{ name }}:', '{% include "partials/doc.jinja2" %}', '{% endblock %}'],
    'tier1.py.jinja2',
  );
  expect(await render()).toThrow(
    expect.objectContaining({ file: join(root, 'partials/doc.jinja2'), line: 2, column: 8 }),
  );
  expect(await render({ description: 'D' })).toThrow(
    expect.objectContaining({
      file: join(root, 'tier1.py.jinja2'),
      line: 3,
      column: 13,
      details: expect.objectContaining({ template: 'tier1.py.jinja2', expression: 'owner' }),
    }),
  );
});
