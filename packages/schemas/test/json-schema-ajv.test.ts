import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { exportJsonSchemas, inferKind, loadKind, loadText } from '../src/index.js';
import { fixture } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

/** The exported JSON Schemas must agree with the zod source on real files (checked with an independent validator). */
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = new Map(
  exportJsonSchemas().map((s) => [s.fileName.replace('.schema.json', ''), ajv.compile(s.schema)]),
);

function parsed(path: string): unknown {
  return loadText(readFileSync(path, 'utf8'), { file: path }).value;
}

describeWithFixtures('exported JSON Schemas', () => {
  it.each(readdirSync(fixture('st3-config')))('accept the real %s', (name) => {
    const kind = inferKind(name)!.name;
    const validate = validators.get(kind)!;
    expect(validate(parsed(fixture('st3-config', name))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accept every task file the zod schema accepts', () => {
    const validate = validators.get('task')!;
    for (const name of readdirSync(fixture('tasks'))) {
      const value = parsed(fixture('tasks', name));
      if (value === undefined || name === 'TASK-9006-blocked-task.task.yaml') continue;
      expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('reject the pattern registry with the same findings as zod', async () => {
    const path = fixture('patterns', 'PATTERN_INDEX.yaml');
    const validate = validators.get('pattern-registry')!;
    expect(validate(parsed(path))).toBe(false);
    const byAjv = validate
      .errors!.map((e) =>
        e.keyword === 'required' ? `${e.instancePath}/${String(e.params.missingProperty)}` : e.instancePath,
      )
      .sort();
    const zod = (await loadKind(path)).errors.map((e) => `/${e.path!.join('/')}`).sort();
    expect(byAjv).toEqual(zod);
    expect(byAjv).toHaveLength(178);
  });
});
