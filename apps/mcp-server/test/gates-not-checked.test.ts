// run_quality_gates returns `st3 gates --json`'s document whole: a gate that lists files its tool did not
// check (`not_checked`) and a `new_only.method` are part of it (the tool's output schema is the gate-run
// contract of @st3/schemas, not a copy that would refuse them as unexpected fields).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, TRANSPORTS, workspaceSession } from './harness.js';

/** A gate tool that says it ignores files marked @generated, as ESLint says "File ignored because ...". */
const LINT = `import { readFileSync } from 'node:fs';
for (const file of process.argv.slice(2))
  if (readFileSync(file, 'utf8').includes('@generated'))
    console.log(file + ':1:1: ignored File ignored because of a matching ignore pattern');
`;
const QUALITY = `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution: { command: [node, tools/lint.mjs], timeout_seconds: 60 }
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>[a-z-]+) (?P<message>.*)$'
        severity_default: error
      not_checked_patterns: ["^File ignored because"]
`;

describe.each(TRANSPORTS)('run_quality_gates with files the tool did not check over %s', (transport) => {
  const c = workspaceSession(transport, {
    setup: async (dir) => {
      await writeFile(join(dir, 'tools/lint.mjs'), LINT);
      await writeFile(join(dir, '.st3/config/quality.yaml'), QUALITY);
      await writeFile(join(dir, 'src/gen.ts'), '// @generated\nexport const g = 1;\n');
    },
  });

  it('the gate result carries not_checked, and the file is never passed', async () => {
    const r = await call(c.client, 'run_quality_gates', { files: ['src/gen.ts', 'src/util.ts'] });
    const doc = r.structuredContent as {
      ok: boolean;
      gates: { id: string; not_checked?: { file: string; reason: string }[] }[];
    };
    expect(doc?.gates?.[0]?.not_checked, JSON.stringify(r.content)).toBeDefined();
    expect(doc.gates[0]!.not_checked).toEqual([{ file: 'src/gen.ts', reason: expect.stringMatching(/File ignored/) }]);
    expect(doc.ok).toBe(!r.isError);
  }, 60_000);
});
