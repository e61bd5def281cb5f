import { afterEach, describe, expect, it } from 'vitest';
import {
  createScratchPool,
  createValidator,
  createWorkspaceFiles,
  replaceLines,
  type WorkspaceFiles,
} from '../src/index.js';
import { makeWorkspace } from './workspace.js';

/**
 * A real gate program, a tiny type-checker: each `import { name } from './x'` of the files it is given
 * must name an exported function or const of x.ts (rule TS2305), so renaming an export breaks its importers.
 */
const GATE = `import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
let bad = 0;
for (const f of process.argv.slice(2)) readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
  const m = /import \\{ (\\w+) \\} from '(\\.[^']+)'/.exec(l);
  if (!m) return;
  let target = '';
  try { target = readFileSync(join(dirname(f), m[2] + '.ts'), 'utf8'); } catch {}
  if (!new RegExp('export (function|const) ' + m[1] + '\\\\b').test(target)) {
    bad++;
    console.log(f + ':' + (i + 1) + ':1: TS2305 Module has no exported member ' + m[1]);
  }
});
process.exit(bad ? 1 : 0);
`;
const QUALITY = `version: "1.1"
active_gates: [types]
gates:
  types:
    name: Types
    execution: { command: ${JSON.stringify([process.execPath, 'gate.mjs'])}, timeout_seconds: 60 }
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>\\w+) (?P<message>.*)$'
        severity_default: error
`;
const FILE = `export function a(x: number): number {\n  return x;\n}\n\nexport function b(x: number): number {\n  return x;\n}\n`;
/** A change of b's atom (lines 5-7 of FILE). */
const changeOfB = (body: string) => ({
  path: 'src/f.ts',
  before: FILE,
  after: replaceLines(FILE, 5, 7, body),
  start: 5,
  end: 7,
  newEnd: 4 + body.split('\n').length,
});
const KEEPS_B = 'export function b(x: number): number {\n  return x * 2;\n}';
const RENAMES_B = 'export function b2(x: number): number {\n  return x;\n}';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace with `others` files that import nothing, and a validator whose reads are counted per file. */
async function setup(options: { dryRun?: boolean; others?: number } = {}) {
  const others = Object.fromEntries(
    Array.from({ length: options.others ?? 0 }, (_, i) => [`src/other${i}.ts`, `export const o${i} = ${i};\n`]),
  );
  const ws = await makeWorkspace({
    'src/f.ts': FILE,
    'src/g.ts': 'export const g = 1;\n',
    'gate.mjs': GATE,
    '.st3/config/quality.yaml': QUALITY,
    ...others,
  });
  const pool = createScratchPool(ws.root, 1);
  cleanup.push(ws.dispose, pool.dispose);
  const inner = createWorkspaceFiles(ws.root, { dryRun: options.dryRun === true });
  const reads = new Map<string, number>();
  const files: WorkspaceFiles = {
    ...inner,
    read(path) {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return inner.read(path);
    },
  };
  const validator = createValidator({ root: ws.root, files, pool, env: { PATH: process.env.PATH } });
  return { files, reads, validator };
}

describe('validation sees the importers of a change as the run left them', () => {
  for (const dryRun of [false, true])
    it(`finds an importer edited and one created earlier in the same run (${dryRun ? 'dry run' : 'on disk'})`, async () => {
      const { files, validator } = await setup({ dryRun });
      // A first validation, before the run's edits (the run's import index is built here).
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
      // Earlier atoms of the run: g.ts now calls b, h.ts is created calling b.
      await files.replace('src/g.ts', () => "import { b } from './f';\nexport const g = b(1);\n");
      await files.replace('src/h.ts', () => "import { b } from './f';\nexport const h = b(2);\n");
      const renamed = await validator.validate(changeOfB(RENAMES_B));
      expect(renamed.ok).toBe(false);
      expect(renamed.failure!.message).toContain('src/g.ts:1:1: TS2305 Module has no exported member b');
      expect(renamed.failure!.message).toContain('src/h.ts:1:1: TS2305 Module has no exported member b');
      expect(renamed.failure!.message).toContain('src/g.ts, src/h.ts import the changed file');
      // And a change keeping b passes with both importers checked.
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    }, 60_000);

  it('reads the project once per run: each file the run did not change is read once, however many changes', async () => {
    const { files, reads, validator } = await setup({ others: 30 });
    for (let i = 0; i < 4; i++) {
      if (i === 2) await files.replace('src/g.ts', () => "import { b } from './f';\nexport const g = b(1);\n");
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    }
    const untouched = [...reads].filter(([p]) => p !== 'src/g.ts');
    expect(untouched.map(([p]) => p)).toContain('src/other29.ts');
    expect(Object.fromEntries(untouched.filter(([, n]) => n !== 1))).toEqual({});
  }, 60_000);
});
