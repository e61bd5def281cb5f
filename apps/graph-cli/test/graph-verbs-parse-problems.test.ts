// st3 graph and waves on sources with syntax errors: such a file is in the graph as far as it parsed
// (its imports and calls may be missing), so its problems are told, located, as `st3 atomize` tells them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { atomizeSources } from '@st3/dep-graph';
import { describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';
import { brokenSourcesWorkspace } from './broken-sources.js';

const workspace = brokenSourcesWorkspace('st3-graph-parse-');

async function st3(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: workspace() });
  const code = await runCli(cli, argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** The located warnings on stderr (`file:line:col: warning: …`), in order, repeats kept. */
const locatedWarnings = (stderr: string) =>
  stderr.split('\n').filter((line) => /^[\w./-]+:\d+:\d+: warning: /.test(line));

// Each told once: @st3/dep-graph's loadGraphInputs tells them (to the CLI and the MCP tools alike).
const EXPECTED = [
  'src/bad.py:1:7: warning: missing )',
  "src/user.ts:3:10: warning: ':' expected.",
  "src/user.ts:3:12: warning: ',' expected.",
  'src/user.ts:3:15: warning: Expression expected.',
  'src/user.ts:4:1: warning: Declaration or statement expected.',
];

describe('a source file with syntax errors', () => {
  for (const verb of ['graph', 'waves', 'validate-plan']) {
    it(`st3 ${verb} warns about it, located, each warning once (the graph alone cannot show it)`, async () => {
      const r = await st3(verb, 'src', '--json', '--no-color');
      // validate-plan fails the plan on the syntax errors (atom.syntax); graph and waves succeed.
      expect(r.code, r.stderr).toBe(verb === 'validate-plan' ? 1 : 0);
      expect(locatedWarnings(r.stderr)).toEqual(EXPECTED);
      expect(r.stderr).not.toMatch(/^src\/ok\.ts/m);
    }, 60_000);
  }

  it('st3 graph on atomizer output tells the syntax errors it records, once each', async () => {
    writeFileSync(
      join(workspace(), 'atoms.json'),
      JSON.stringify(await atomizeSources(['src'], workspace(), { cache: false })),
    );
    const r = await st3('graph', 'atoms.json', '--json', '--no-color');
    expect(r.code, r.stderr).toBe(0);
    expect(locatedWarnings(r.stderr)).toEqual(EXPECTED);
  }, 60_000);
});
