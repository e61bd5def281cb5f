import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * `dto` with `fields: []`: v1 renders a valid empty model (as the upstream template does, with `pass`),
 * v2's schema requires at least one field. That is a regression of the template, and the report says
 * what it is: an input v1 accepted that v2's schema rejects, with the rule. Built binary, built-in templates.
 */
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-parity-rejected-'));
  mkdirSync(join(root, 'suite', 'cases'), { recursive: true });
  writeFileSync(
    join(root, 'suite', 'suite.yaml'),
    'name: empty-fields\nleft: { label: v1, pipeline: v1 }\nright: { label: v2, pipeline: v2 }\n',
  );
  for (const language of ['ts', 'py'])
    writeFileSync(
      join(root, 'suite', 'cases', `empty-dto-${language}.yaml`),
      `type: dto\nartifact_name: Empty\nlanguage: ${language}\ncontext:\n  fields: []\n`,
    );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const parity = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'parity', 'run', 'suite', '--no-speed', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: root },
  });

describe('st3 parity run: an input v1 accepted and v2 rejects (built binary)', () => {
  it('is a REGRESSION whose reason says so and names the schema rule; exit 1', () => {
    const text = parity();
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toContain(
      "REGRESSION  empty-dto-ts: input accepted by v1 is rejected by v2's schema: fields: at least one field",
    );
    const json = parity('--json');
    const report = JSON.parse(json.stdout) as { counts: unknown; cases: { reason: string; right: unknown }[] };
    expect(report.counts).toEqual({ pass: 0, improvement: 0, regression: 2, fail: 0 });
    for (const c of report.cases) {
      expect(c.reason).toBe("input accepted by v1 is rejected by v2's schema: fields: at least one field");
      expect(c.right).toMatchObject({ error: { code: 'E_CONTEXT_INVALID', rules: ['fields: at least one field'] } });
    }
  });
});
