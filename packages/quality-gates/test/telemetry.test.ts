import { afterEach, describe, expect, it } from 'vitest';
import { aggregate, createCollector } from '@st3/telemetry';
import { runGates } from '../src/index.js';
import { tempDir, write } from './helpers.js';

const node = JSON.stringify(process.execPath);
/** Reports every line containing BAD in the files it is given, as JSON. */
const TOOL = `
const fs = require('fs');
const out = [];
for (const f of process.argv.slice(2)) fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => { if (l.includes('BAD')) out.push({ path: f, row: i + 1, code: 'NO_BAD', text: 'bad line' }); });
process.stdout.write(JSON.stringify(out));
process.exit(out.length ? 1 : 0);
`;
const gate = (name: string, ext: string) => `  ${name}:
    name: "${name}"
    execution: { command: [${node}, tool.cjs] }
    capabilities:
      file_types: ["${ext}"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, rule: code, message: text } }
`;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('runGates: telemetry handle', () => {
  it('reports gates.duration_ms{gate} and gates.violations{gate} per gate that ran, and counts skipped ones', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    write(t.dir, {
      'tool.cjs': TOOL,
      '.st3/config/quality.yaml': `version: "1.1"\nactive_gates: [lint_py, lint_js, lint_md]\ngates:\n${gate('lint_py', '.py')}${gate('lint_js', '.js')}${gate('lint_md', '.md')}`,
      'a.py': 'BAD\nok\nBAD\n',
      'b.js': 'fine\n',
    });
    const telemetry = createCollector({ agent: 'gates' });
    const r = await runGates({ cwd: t.dir, scope: 'project', updateState: false, logOutput: false, telemetry });
    expect(r.gates.map((g) => [g.id, g.status])).toEqual([
      ['lint_py', 'failed'],
      ['lint_js', 'passed'],
      ['lint_md', 'skipped'],
    ]);
    const snap = telemetry.snapshot();
    const counter = (name: string, gateId: string) =>
      snap.counters.find((c) => c.name === name && c.labels.gate === gateId)?.value;
    expect(counter('gates.violations', 'lint_py')).toBe(2);
    expect(counter('gates.violations', 'lint_js')).toBe(0);
    expect(counter('gates.violations', 'lint_md')).toBeUndefined();
    expect(counter('gates.violation_errors', 'lint_py')).toBe(2);
    const durations = snap.histograms.filter((h) => h.name === 'gates.duration_ms');
    expect(durations.map((h) => h.labels.gate).sort()).toEqual(['lint_js', 'lint_py']);
    expect(durations.find((h) => h.labels.gate === 'lint_py')?.sum).toBe(r.gates[0]!.duration_ms);
    expect(
      snap.counters
        .filter((c) => c.name === 'gates.runs')
        .map((c) => `${c.labels.gate}:${c.labels.status}`)
        .sort(),
    ).toEqual(['lint_js:passed', 'lint_md:skipped', 'lint_py:failed']);
    expect(aggregate([snap]).counters.get('gates.violations')).toBe(2);
  });

  it('counts each JSON gate output as a parse from gates:<id>, failed when it was not understood', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    write(t.dir, {
      'tool.cjs': TOOL,
      'garbled.cjs': `process.stdout.write('{"not": "closed'); process.exit(1);`,
      '.st3/config/quality.yaml': `version: "1.1"\nactive_gates: [lint_py, garbled, absent]\ngates:\n${gate('lint_py', '.py')}${gate('garbled', '.py').replace('tool.cjs', 'garbled.cjs')}${gate('absent', '.py').replace(`${node}, tool.cjs`, 'st3-no-such-tool-here')}`,
      'a.py': 'BAD\n',
    });
    const telemetry = createCollector({ agent: 'gates' });
    const r = await runGates({ cwd: t.dir, scope: 'project', updateState: false, logOutput: false, telemetry });
    expect(r.gates.map((g) => [g.id, g.status])).toEqual([
      ['lint_py', 'failed'],
      ['garbled', 'error'],
      ['absent', 'error'],
    ]);
    const snap = telemetry.snapshot();
    const count = (name: string, source: string) =>
      snap.counters.find((c) => c.name === name && c.labels.source === source)?.value;
    expect(count('json_parses', 'gates:lint_py')).toBe(1);
    expect(count('json_parse_failures', 'gates:lint_py')).toBeUndefined();
    expect(count('json_parses', 'gates:garbled')).toBe(1);
    expect(count('json_parse_failures', 'gates:garbled')).toBe(1);
    // The tool was not found: no output, nothing parsed.
    expect(count('json_parses', 'gates:absent')).toBeUndefined();
  });
});
