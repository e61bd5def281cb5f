import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { createScaffolder, parseHeader, readAnswers, updateFiles } from '../src/index.js';
import { realWorld, scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3', 'config'), { recursive: true });
});
afterEach(() => t.cleanup());

/** Jinja2 templates in the seed's style: a tier layout, macros, blocks, filters and Python-style methods. */
const TEMPLATES: Record<string, string> = {
  'tier1_code.py.jinja2': [
    '{# Tier 1: every Python artifact #}',
    '"""{% block docstring %}{{ name }}{% endblock %}"""',
    '',
    'from __future__ import annotations',
    '{% block imports %}{% endblock %}',
    '',
    '{% block body %}{% endblock %}',
    '',
  ].join('\n'),
  'macros/fields.jinja2': [
    '{% set types = {"str": "str", "int": "int", "bool": "bool"} %}',
    '{% macro field(f) %}',
    '    {{ f.name | lower }}: {{ types[f.type] | default("object") }}{% if f.optional %} | None = None{% endif %}',
    '{%- endmacro %}',
    '',
  ].join('\n'),
  'concrete/dto.py.jinja2': [
    '{# TEMPLATE_METADATA',
    'version: "2.1.0"',
    'context_schema: dto.context.json',
    '#}',
    '{% extends "tier1_code.py.jinja2" %}',
    '{% import "macros/fields.jinja2" as m %}',
    '{% block docstring %}{{ description | default(name ~ " data transfer object") }}.{% endblock %}',
    '{% block imports %}',
    '',
    'from dataclasses import dataclass',
    '{% endblock %}',
    '{% block body %}',
    '',
    '@dataclass(frozen=True)',
    'class {{ name }}:',
    '{% for f in fields %}',
    '{{ m.field(f) }}',
    '{% endfor %}',
    '',
    '',
    '{{ name.upper() }}_FIELDS: tuple[str, ...] = (',
    '{% for f in fields %}',
    '    "{{ f.name }}",',
    '{% endfor %}',
    ')',
    '{% for key, value in (extras or {}).items() %}',
    '{{ key.upper() }} = {{ value }}',
    '{% endfor %}',
    '{% endblock %}',
    '',
  ].join('\n'),
  'concrete/dto.context.json': JSON.stringify({
    type: 'object',
    required: ['name', 'fields'],
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      extras: { type: 'object' },
      fields: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'type'],
          properties: {
            name: { type: 'string' },
            type: { enum: ['str', 'int', 'bool'] },
            optional: { type: 'boolean' },
          },
        },
      },
    },
  }),
};

function writeTemplates(root: string, overrides: Record<string, string> = {}): void {
  for (const [id, text] of Object.entries({ ...TEMPLATES, ...overrides })) {
    mkdirSync(dirname(join(root, id)), { recursive: true });
    writeFileSync(join(root, id), text);
  }
}

const context = {
  fields: [
    { name: 'Symbol', type: 'str' },
    { name: 'qty', type: 'int', optional: true },
  ],
  extras: { max_qty: 100 },
};

describeWithFixtures('Jinja2 templates named by the real artifacts.yaml', () => {
  beforeEach(() => cpSync(join(realWorld, 'st3-config', 'artifacts.yaml'), join(t.dir, '.st3/config/artifacts.yaml')));

  it('renders concrete/dto.py.jinja2 with nunjucks: layout, macros, filters, methods, header, valid Python', async () => {
    writeTemplates(join(t.dir, '.st3', 'templates'));
    const s = await createScaffolder({ workspace: t.dir, now: () => new Date('2026-01-02T03:04:05Z') });
    const r = s.render({ type: 'dto', name: 'Trade', context, withTest: false });
    expect(r.warnings).toEqual([]);
    const file = r.files[0]!;
    expect(file).toMatchObject({
      path: 'src/dtos/trade.py',
      templateId: 'dto.py',
      templateVersion: '2.1.0',
      engine: 'nunjucks',
    });
    expect(parseHeader(file.content, file.path)).toMatchObject({
      status: 'ok',
      template: 'dto',
      version: file.versionHash,
    });
    expect(file.content.split('\n').slice(2).join('\n')).toBe(
      [
        '"""Trade data transfer object."""',
        '',
        'from __future__ import annotations',
        '',
        'from dataclasses import dataclass',
        '',
        '',
        '@dataclass(frozen=True)',
        'class Trade:',
        '    symbol: str',
        '    qty: int | None = None',
        '',
        '',
        'TRADE_FIELDS: tuple[str, ...] = (',
        '    "Symbol",',
        '    "qty",',
        ')',
        'MAX_QTY = 100',
        '',
      ].join('\n'),
    );
    mkdirSync(join(t.dir, 'out'));
    writeFileSync(join(t.dir, 'out', 'trade.py'), file.content);
    const run = spawnSync('python3', ['-m', 'py_compile', join(t.dir, 'out', 'trade.py')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    // the context is validated against the schema the template declares
    expect(() => s.render({ type: 'dto', name: 'Bad', context: { fields: [{ name: 'x', type: 'float' }] } })).toThrow(
      expect.objectContaining({ code: 'E_CONTEXT_INVALID' }),
    );
  });

  it('renders a CRLF checkout of the templates as the LF one: same text, same version (line endings folded as Jinja2 does)', async () => {
    writeTemplates(join(t.dir, '.st3', 'templates'));
    const lf = (await createScaffolder({ workspace: t.dir, now: () => new Date('2026-01-02T03:04:05Z') })).render({
      type: 'dto',
      name: 'Trade',
      context,
      withTest: false,
    }).files[0]!;
    const crlf = Object.fromEntries(Object.entries(TEMPLATES).map(([id, text]) => [id, text.replace(/\n/g, '\r\n')]));
    writeTemplates(join(t.dir, '.st3', 'templates'), crlf);
    const fromCrlf = (await createScaffolder({ workspace: t.dir, now: () => new Date('2026-01-02T03:04:05Z') })).render(
      { type: 'dto', name: 'Trade', context, withTest: false },
    ).files[0]!;
    expect(fromCrlf.versionHash).toBe(lf.versionHash);
    expect(fromCrlf.content).not.toContain('\r');
    expect(fromCrlf.content).toBe(lf.content);
  });

  it('names the file, line and column of what nunjucks cannot render', async () => {
    const root = join(t.dir, '.st3', 'templates');
    writeTemplates(root, {
      'concrete/dto.py.jinja2': TEMPLATES['concrete/dto.py.jinja2']!.replace(
        '{% block body %}\n',
        '{% block body %}\n{% do fields.append(1) %}\n',
      ),
    });
    const s = await createScaffolder({ workspace: t.dir });
    expect(() => s.render({ type: 'dto', name: 'T', context, withTest: false })).toThrow(
      expect.objectContaining({
        code: 'E_TEMPLATE',
        file: join(root, 'concrete/dto.py.jinja2'),
        line: 13,
        column: 4,
        message: expect.stringContaining('unknown block tag: do'),
      }),
    );
    writeTemplates(root, {
      'concrete/dto.py.jinja2': TEMPLATES['concrete/dto.py.jinja2']!.replace('{{ name }}:', '{{ name | tojson }}:'),
    });
    const s2 = await createScaffolder({ workspace: t.dir });
    expect(() => s2.render({ type: 'dto', name: 'T', context, withTest: false })).toThrow(
      expect.objectContaining({ code: 'E_TEMPLATE', line: 15, column: 15, hint: expect.stringContaining('tojson') }),
    );
  });

  it('keeps the Jinja chain by hash (a macro edit is a new version) and updates a hand-edited file 3-way', async () => {
    const root = join(t.dir, '.st3', 'templates');
    writeTemplates(root);
    await scaffoldInto(t.dir, { type: 'dto', name: 'Trade', context, withTest: false });
    const answer = (await readAnswers(t.dir)).files['src/dtos/trade.py']!;
    expect(answer).toMatchObject({ engine: 'nunjucks', template_id: 'concrete/dto.py.jinja2' });
    const kept = join(t.dir, '.st3/templates/.versions', answer.version_hash);
    expect(readFileSync(join(kept, 'macros/fields.jinja2'), 'utf8')).toBe(TEMPLATES['macros/fields.jinja2']);
    const path = join(t.dir, 'src/dtos/trade.py');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n\ndef helper() -> int:\n    return 1\n`);
    writeTemplates(root, {
      'macros/fields.jinja2': TEMPLATES['macros/fields.jinja2']!.replace('{% endif %}', '{% endif %}  # field'),
    });
    const s = await createScaffolder({ workspace: t.dir });
    expect(s.currentVersion(answer)).not.toBe(answer.version_hash);
    const report = await updateFiles(t.dir, s, { now: new Date('2026-03-01T00:00:00Z') });
    expect(report.files[0]).toMatchObject({ status: 'updated' });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('    symbol: str  # field');
    expect(text).toContain('def helper() -> int:');
  });
});

describe('template roots', () => {
  it('reads .jinja2 templates from template_root: in artifacts.yaml', async () => {
    writeFileSync(
      join(t.dir, '.st3/config/artifacts.yaml'),
      [
        'template_root: scaffolding/templates',
        'artifact_types:',
        '  - type: code',
        '    type_id: dto',
        '    name: DTO',
        '    template_path: concrete/dto.py.jinja2',
        '    file_extension: .py',
      ].join('\n'),
    );
    writeTemplates(join(t.dir, 'scaffolding', 'templates'));
    const s = await createScaffolder({ workspace: t.dir });
    const r = s.render({ type: 'dto', name: 'Trade', context });
    expect(r.warnings).toEqual([]);
    expect(r.files[0]!.content).toContain('class Trade:');
  });
});
