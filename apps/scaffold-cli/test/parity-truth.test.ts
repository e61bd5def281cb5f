import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Three verdicts that must not read as a pass when nothing established one (built binary): a parity
 * speed check that measured nothing, a pattern registry with no pattern, and two YAML outputs whose
 * quoted scalars differ only in a blank-line run (a newline of the value).
 */
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

let root: string;
const put = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-parity-truth-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const st3 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: root },
  });

describe('st3 parity run: speed not measured (built binary)', () => {
  it('is not ok, exit 1, when no case renders on both sides; --no-speed skips it on purpose', () => {
    // v1 throws on fields: "oops", v2 rejects it: an improvement, and nothing renders on both sides to time
    put('suite/suite.yaml', 'name: one-sided\n');
    put(
      'suite/cases/bad.yaml',
      'type: dto\nartifact_name: Bad\nlanguage: ts\ncontext:\n  fields: oops\nexpect: improvement\n',
    );
    const text = st3('parity', 'run', 'suite', '--samples', '100');
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toContain(
      'speed: NOT MEASURED (wall time, 0 renders per side): no case renders on both sides (not met',
    );
    const json = st3('parity', 'run', 'suite', '--samples', '100', '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      counts: { improvement: 1 },
      speed: { status: 'not measured' },
    });
    expect(st3('parity', 'run', 'suite', '--no-speed').status).toBe(0);
  });
});

describe('st3 patterns check: a registry with no pattern (built binary)', () => {
  it('says nothing was checked, with a hint, and exits 1 in text and JSON', () => {
    put('patterns/specs/.keep', '');
    put(
      'patterns/PATTERN_INDEX.yaml',
      "version: 1.0.0\nmetadata:\n  created: '2025-11-24'\n  last_updated: '2025-12-09'\n  total_patterns: 0\n  total_categories: 0\npatterns: []\n",
    );
    const text = st3('patterns', 'check', 'patterns');
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toContain(
      'patterns/PATTERN_INDEX.yaml:7:11: [registry-empty] the registry lists no pattern: nothing was checked (add the registry entries under `patterns:`',
    );
    expect(text.stdout).toContain('0 patterns (nothing checked), 1 error(s), 0 warning(s) (registry-empty 1)');
    const json = st3('patterns', 'check', 'patterns', '--json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      patterns: 0,
      errors: 1,
      byRule: { 'registry-empty': 1 },
    });
    const off = st3('patterns', 'check', 'patterns', '--rule', 'registry-empty=off');
    expect([off.status, off.stderr]).toEqual([2, expect.stringContaining('E_USAGE')]);
  });
});

describe('st3 parity compare: blank lines inside a YAML double-quoted scalar (built binary)', () => {
  it('are the value: two outputs that differ there are different, exit 1', () => {
    put('a.yaml', 'key: "a\n\n  b"\nother: 1\n');
    put('b.yaml', 'key: "a\n\n\n  b"\nother: 1\n');
    const text = st3('parity', 'compare', 'a.yaml', 'b.yaml');
    expect(text.status, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^different at line 3/);
    expect(JSON.parse(st3('parity', 'compare', 'a.yaml', 'b.yaml', '--json').stdout)).toMatchObject({
      ok: false,
      kind: 'different',
    });
  });
});
