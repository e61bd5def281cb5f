// A source file atomized with syntax errors is in the graph only as far as it parsed (its imports and calls
// may be missing), which the graph alone cannot show: dependency_graph, waves and validate_plan list its
// diagnostics in `warnings`, located, each once, as `st3 graph`, `st3 waves` and `st3 validate-plan` print
// them on stderr (all told by loadGraphInputs of @st3/dep-graph). The CLI side:
// apps/graph-cli/test/graph-verbs-parse-problems.test.ts and validate-plan-syntax-warnings.test.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Diagnostic } from '@st3/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, texts, TRANSPORTS, type Connection, type TransportKind } from './harness.js';
import { makeWorkspace, type Workspace } from './workspace.js';

const BROKEN: Record<string, string> = {
  'broken/src/ok.ts': 'export function ok(): number {\n  return 1;\n}\n',
  'broken/src/user.ts': "import { ok } from './ok';\nexport function user( {\n  return ok( +;\n}\n",
  'broken/bad.py': 'def f(:\n    return 1\n',
};

const EXPECTED = [
  'broken/bad.py:1:7 missing )',
  "broken/src/user.ts:3:10 ':' expected.",
  "broken/src/user.ts:3:12 ',' expected.",
  'broken/src/user.ts:3:15 Expression expected.',
  'broken/src/user.ts:4:1 Declaration or statement expected.',
];

/** The syntax warnings of a result, `file:line:col message`, in order, repeats kept. */
function syntaxWarnings(r: CallToolResult): string[] {
  const { warnings } = r.structuredContent as { warnings: Diagnostic[] };
  expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
  return warnings
    .filter((w) => w.code === 'E_ATOMIZE_SYNTAX')
    .map((w) => `${w.file}:${w.line}:${w.column} ${w.message}`);
}

/** `offload: false` runs the handlers of these sources; with offload the worker threads run the built server. */
const SESSIONS: [TransportKind, boolean][] = [
  ...TRANSPORTS.map((t): [TransportKind, boolean] => [t, false]),
  ['stdio', true],
];

describe.each(SESSIONS)('graph tools on sources with syntax errors, over %s (offload %s)', (transport, offload) => {
  let ws: Workspace | undefined;
  let conn: Connection | undefined;
  beforeAll(async () => {
    ws = await makeWorkspace();
    for (const [path, text] of Object.entries(BROKEN)) {
      await mkdir(dirname(join(ws.dir, path)), { recursive: true });
      await writeFile(join(ws.dir, path), text);
    }
    conn = await connect(transport, ws.dir, { offload });
  });
  afterAll(async () => {
    await conn?.close();
    await ws?.cleanup();
  });

  for (const tool of ['dependency_graph', 'waves']) {
    it(`${tool} lists them in warnings, located, each once, and says so in the summary`, async () => {
      // Twice: the second read comes from the atomizer's cache, whose records keep their diagnostics.
      for (let i = 0; i < 2; i++) {
        const r = await call(conn!.client, tool, { paths: ['broken/src', 'broken/bad.py'] });
        expect(r.isError ?? false, texts(r)[0]).toBe(false);
        expect(syntaxWarnings(r)).toEqual(EXPECTED);
        expect(texts(r)[0]).toContain(`${EXPECTED.length} warnings`);
      }
      const clean = await call(conn!.client, tool, { paths: ['broken/src/ok.ts'] });
      expect(syntaxWarnings(clean)).toEqual([]);
      expect(texts(clean)[0]).not.toContain('warning');
    }, 60_000);
  }

  it('validate_plan lists them in warnings too (as `st3 validate-plan --json`), and says so in the summary', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await call(conn!.client, 'validate_plan', { paths: ['broken/src', 'broken/bad.py'] });
      // The plan fails on them (atom.syntax); the warnings say where the parser gave up.
      expect(r.isError, texts(r)[0]).toBe(true);
      expect(syntaxWarnings(r)).toEqual(EXPECTED);
      expect(texts(r)[0]).toContain(`; ${EXPECTED.length} warnings`);
    }
    const clean = await call(conn!.client, 'validate_plan', { paths: ['broken/src/ok.ts'] });
    expect(clean.isError ?? false, texts(clean)[0]).toBe(false);
    expect((clean.structuredContent as { warnings: unknown[] }).warnings).toEqual([]);
    expect(texts(clean)[0]).not.toContain('warning');
  }, 60_000);
});
