import { replaceLines } from '../src/index.js';

/**
 * The fixture of the validation tests that need importers checked: a real gate program, a tiny type-checker, to be
 * written as gate.mjs (IMPORT_GATE_QUALITY runs it): each `import { name } from './x'` of the files it is given
 * must name an exported function or const of x.ts (rule TS2305), so renaming an export breaks its importers.
 * FILE holds `a` and `b`; changeOfB changes b's atom (lines 5-7).
 */
export const IMPORT_GATE = `import { readFileSync } from 'node:fs';
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
export const IMPORT_GATE_QUALITY = `version: "1.1"
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
export const FILE = `export function a(x: number): number {\n  return x;\n}\n\nexport function b(x: number): number {\n  return x;\n}\n`;
export const changeOfB = (body: string) => ({
  path: 'src/f.ts',
  before: FILE,
  after: replaceLines(FILE, 5, 7, body),
  start: 5,
  end: 7,
  newEnd: 4 + body.split('\n').length,
});
export const KEEPS_B = 'export function b(x: number): number {\n  return x * 2;\n}';
export const RENAMES_B = 'export function b2(x: number): number {\n  return x;\n}';
