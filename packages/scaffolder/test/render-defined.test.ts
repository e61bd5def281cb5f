import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScaffolder } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  write(
    '.st3/config/artifacts.yaml',
    'artifact_types:\n  - type: code\n    type_id: widget\n    name: Widget\n    file_extension: .ts\n',
  );
});
afterEach(() => t.cleanup());

function write(path: string, text: string): void {
  mkdirSync(dirname(join(t.dir, path)), { recursive: true });
  writeFileSync(join(t.dir, path), text);
}

const SCHEMA = [
  'context_schema:',
  '  type: object',
  '  properties:',
  '    name: { type: string }',
  '    label: { type: string }',
  "    count: { type: [number, 'null'] }",
];
const TEMPLATE = 'concrete/widget.ts.eta';
const widget = (...body: string[]) =>
  ['<%/*', 'version: 1.0.0', ...SCHEMA, '*/%>', "<% layout('@lang/typescript') %>", ...body, ''].join('\n');
const templateFile = (id = TEMPLATE) => join(t.dir, '.st3', 'templates', id);
const request = (context: Record<string, unknown>) => ({ type: 'widget', name: 'Foo', context, withTest: false });

describe('an interpolation that prints nothing real is an error at its template line', () => {
  it('optional fields the schema let through: E_TEMPLATE at the line and column of each, nothing written', async () => {
    write(
      `.st3/templates/${TEMPLATE}`,
      widget("export const label = '<%= it.label %>';", 'export const count = <%= it.count %>;'),
    );
    await expect(scaffoldInto(t.dir, request({}))).rejects.toThrow(
      expect.objectContaining({
        code: 'E_TEMPLATE',
        file: templateFile(),
        line: 11,
        column: 27,
        message: 'template concrete/widget.ts would print "undefined": `it.label` is undefined',
        hint: expect.stringContaining("<%= it.label ?? '' %>"),
      }),
    );
    await expect(scaffoldInto(t.dir, request({ label: 'L', count: null }))).rejects.toThrow(
      expect.objectContaining({ code: 'E_TEMPLATE', line: 12, details: expect.objectContaining({ printed: 'null' }) }),
    );
    expect(existsSync(join(t.dir, 'src'))).toBe(false);
    const { written } = await scaffoldInto(t.dir, request({ label: 'L', count: 0 }));
    const text = readFileSync(join(t.dir, written[0]!), 'utf8');
    expect(text).toContain("export const label = 'L';\nexport const count = 0;\n");
  });

  it('in a partial: located in the partial, not in the template that includes it', async () => {
    write('.st3/templates/partials/widget-count.eta', '// count\n<%= it.count %>\n');
    write(`.st3/templates/${TEMPLATE}`, widget("<%~ include('@partials/widget-count', { count: it.count }) %>"));
    const s = await createScaffolder({ workspace: t.dir });
    expect(() => s.render(request({}))).toThrow(
      expect.objectContaining({
        code: 'E_TEMPLATE',
        file: templateFile('partials/widget-count.eta'),
        line: 2,
        column: 5,
      }),
    );
  });

  it('a user document type without a state machine or a version field: the layout prints its own defaults', async () => {
    write(
      '.st3/config/artifacts.yaml',
      'artifact_types:\n  - type: doc\n    type_id: runbook\n    name: Runbook\n    file_extension: .md\n',
    );
    write(
      '.st3/templates/concrete/runbook.md.eta',
      "<%/*\nversion: 1.0.0\ncontext_schema:\n  type: object\n  properties: { name: { type: string } }\n*/%>\n<% layout('@lang/markdown') %>\nSteps.\n",
    );
    const s = await createScaffolder({ workspace: t.dir });
    const text = s.render({ type: 'runbook', name: 'Deploy', context: {} }).files[0]!.content;
    expect(text).toContain('**Status:** DRAFT\n**Version:** 1.0\n');
    expect(text).not.toContain('undefined');
  });

  it('a runtime error of the template keeps its own message (no debug frames)', async () => {
    write(`.st3/templates/${TEMPLATE}`, widget('<%= it.label.toUpperCase() %>'));
    const s = await createScaffolder({ workspace: t.dir });
    expect(() => s.render(request({}))).toThrow(
      expect.objectContaining({
        code: 'E_TEMPLATE',
        message: expect.stringMatching(/failed: Cannot read properties of undefined \(reading 'toUpperCase'\)$/),
      }),
    );
  });
});
