import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportJsonSchemas, jsonSchemaText, KINDS, renderErrorCodesMarkdown } from '../src/index.js';
import { repoRoot } from './helpers.js';

const jsonDir = join(repoRoot, 'packages', 'schemas', 'json');

describe('committed generated files', () => {
  it('json/*.schema.json match the zod source (regenerate: pnpm --filter @st3/schemas schema:export)', () => {
    const exported = exportJsonSchemas();
    const committed = readdirSync(jsonDir)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    expect(committed).toEqual(exported.map((s) => s.fileName).sort());
    for (const { fileName, schema } of exported) {
      expect(readFileSync(join(jsonDir, fileName), 'utf8'), fileName).toBe(jsonSchemaText(schema));
    }
  });

  it('exports one schema per kind plus the shared records', () => {
    const names = exportJsonSchemas().map((s) => s.fileName);
    for (const kind of KINDS) expect(names).toContain(`${kind.name}.schema.json`);
    expect(names).toContain('violation.schema.json');
    expect(names).toContain('lifecycle.schema.json');
  });

  it('docs/error-codes.md matches ERROR_CODES (regenerate: pnpm --filter @st3/schemas gen:docs)', () => {
    expect(readFileSync(join(repoRoot, 'docs', 'error-codes.md'), 'utf8')).toBe(renderErrorCodesMarkdown());
  });
});
