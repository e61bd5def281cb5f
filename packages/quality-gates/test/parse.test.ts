import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateConfig } from '@st3/schemas';
import { createJsonParser, createTextParser, evaluateGate, processResult, type ProcessResult } from '../src/index.js';

const root = '/work/project';
const run = (over: Partial<ProcessResult>): ProcessResult => processResult({ exitCode: 0, durationMs: 1, ...over });
const jsonGate = (json: Record<string, unknown>): GateConfig => ({
  name: 'j',
  execution: { command: ['tool'] },
  success: { exit_codes_ok: [0] },
  capabilities: {
    file_types: ['.py'],
    supports_autofix: true,
    parsing_strategy: 'json_violations',
    json_violations: json as never,
  },
});

describe('json_violations', () => {
  it('reads `/` and `.` paths, line_offset, severity maps, defaults and fixable_when values', () => {
    const parse = createJsonParser({
      violations_path: 'report.items',
      field_map: {
        file: 'where.path',
        line: 'where.pos.line',
        col: 'where/pos/col',
        rule: 'id',
        message: 'text',
        severity: 'level',
      },
      line_offset: 1,
      severity_map: { '3': 'warning' },
      fixable_when: 'fix/kind=safe',
      defaults: { rule: 'NONE' },
    } as never);
    const text = JSON.stringify({
      report: {
        items: [
          {
            where: { path: `${root}/src/a.py`, pos: { line: 0, col: 4 } },
            id: 'X1',
            text: 'm1',
            level: 3,
            fix: { kind: 'safe' },
          },
          { where: { path: 'src/b.py', pos: { line: '9' } }, text: 'm2', level: 'fatal', fix: { kind: 'unsafe' } },
        ],
      },
    });
    expect(parse(text, { root }).violations).toEqual([
      { file: 'src/a.py', line: 1, col: 4, rule: 'X1', message: 'm1', severity: 'warning', fixable: true },
      { file: 'src/b.py', line: 10, col: null, rule: 'NONE', message: 'm2', severity: 'error', fixable: false },
    ]);
  });

  it('resolves relative paths from the tool working folder', () => {
    const parse = createJsonParser({ field_map: { file: 'f', message: 'm' } } as never);
    expect(parse('[{"f":"x.py","m":"hi"}]', { root, cwd: `${root}/backend` }).violations[0]!.file).toBe('backend/x.py');
  });

  it('tolerates a banner printed before the JSON', () => {
    const parse = createJsonParser({ field_map: { file: 'f' } } as never);
    expect(parse('npm notice something\n[{"f":"a"}]', { root }).violations).toHaveLength(1);
  });

  it('says where the document does not have the expected shape', () => {
    const parse = createJsonParser({ violations_path: 'generalDiagnostics', field_map: { file: 'f' } } as never);
    expect(parse('{"generalDiagnostics": 3}', { root }).problem).toContain(
      'expected an array of records at $.generalDiagnostics',
    );
    expect(parse('{"generalDiagnostics": [{"f": "a"}, 2]}', { root }).problem).toContain(
      'expected records (objects) at $.generalDiagnostics[1], found a number',
    );
  });

  it('absent fields are null, never "" or 0; positions at or below 0 are null', () => {
    const parse = createJsonParser({
      field_map: { file: 'f', line: 'l', col: 'c', rule: 'r', message: 'm' },
    } as never);
    const out = parse(
      '[{"m":"only a message"},{"f":"","l":0,"c":-3,"r":"","m":""},{"f":"a.py","l":"7","c":2.9,"r":12}]',
      {
        root,
      },
    );
    expect(out.problem).toBeUndefined();
    expect(out.violations).toEqual([
      { file: null, line: null, col: null, rule: null, message: 'only a message', severity: 'error', fixable: false },
      { file: null, line: null, col: null, rule: null, message: '(no message)', severity: 'error', fixable: false },
      { file: 'a.py', line: 7, col: 2, rule: '12', message: '(no message)', severity: 'error', fixable: false },
    ]);
  });

  it('a wrongly typed field is "output not understood" with its location, never a TypeError (issue 20)', () => {
    const parse = createJsonParser({
      violations_path: 'diagnostics',
      field_map: { file: 'filename', line: 'line', rule: 'code', message: 'message', severity: 'severity' },
    } as never);
    // The two crashes found by fuzzing: a prototype word as severity, an object as file name.
    const proto = parse('{"diagnostics":[{"filename":"a.ts","message":"m","severity":"constructor"}]}', { root });
    expect(proto.problem).toBeUndefined();
    expect(proto.violations[0]!.severity).toBe('error');
    const object = parse(
      '{"diagnostics":[{"filename":"a.ts","message":"m"},{"filename":{"toString":1},"message":"m"}]}',
      {
        root,
      },
    );
    expect(object.problem).toBe('$.diagnostics[1] file: expected a path, found an object');
    const line = parse('{"diagnostics":[{"filename":"a.ts","line":[1],"message":"m"}]}', { root });
    expect(line.problem).toBe('$.diagnostics[0] line: expected a line or column number, found an array');
    const huge = parse('{"diagnostics":[{"filename":"a.ts","line":1e300,"message":"m"}]}', { root });
    expect(huge.problem).toContain('line: expected a line or column number');
  });

  it('severity maps only use their own keys', () => {
    const parse = createJsonParser({
      field_map: { message: 'm', severity: 's' },
      severity_map: { '1': 'warning' },
    } as never);
    const out = parse('[{"m":"a","s":"toString"},{"m":"b","s":"__proto__"},{"m":"c","s":1}]', { root });
    expect(out.violations.map((v) => v.severity)).toEqual(['error', 'error', 'warning']);
  });

  it('fixable_when: presence, path=value, {path, equals}, {path, matches} and [] paths', () => {
    const records = JSON.stringify([
      { m: 'a', fix: { applicability: 'safe' }, advices: [{ text: 'Unsafe fix: x' }, { text: 'Safe fix: y' }] },
      { m: 'b', fix: { applicability: 'unsafe' }, advices: [{ text: 'Unsafe fix: x' }] },
      { m: 'c', fix: null, advices: [] },
      { m: 'd', fix: { applicability: 1 }, advices: 'not an array' },
    ]);
    const fixable = (when: unknown): boolean[] =>
      createJsonParser({ field_map: { message: 'm' }, fixable_when: when } as never)(records, { root }).violations.map(
        (v) => v.fixable,
      );
    expect(fixable('fix/applicability')).toEqual([true, true, false, true]);
    expect(fixable('fix/applicability=safe')).toEqual([true, false, false, false]);
    expect(fixable({ path: 'fix/applicability', equals: 'safe' })).toEqual([true, false, false, false]);
    expect(fixable({ path: 'fix.applicability', equals: 1 })).toEqual([false, false, false, true]);
    expect(fixable({ path: 'advices[]/text', matches: '^Safe fix' })).toEqual([true, false, false, false]);
    expect(fixable({ path: 'advices/[]/text', matches: '(?i)^unsafe' })).toEqual([true, true, false, false]);
  });

  it('never throws on arbitrary text, JSON or truncated JSON (property)', () => {
    const parse = createJsonParser({
      violations_path: '[]/messages',
      field_map: {
        file: '../filePath',
        line: 'line',
        col: 'column',
        rule: 'ruleId',
        message: 'message',
        severity: 'severity',
      },
      fixable_when: 'fix',
    } as never);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.json().map((j) => j.slice(0, Math.floor(j.length / 2))),
        ),
        (text) => {
          const r = parse(text, { root });
          expect(Array.isArray(r.violations)).toBe(true);
          for (const v of r.violations) {
            expect(v.line === null || (Number.isInteger(v.line) && v.line >= 1)).toBe(true);
            expect(['error', 'warning', 'info']).toContain(v.severity);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('text_violations', () => {
  it('uses Python groups, severity_default, {field} defaults and continuation lines', () => {
    const parse = createTextParser({
      pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.+)$',
      severity_default: 'warning',
      defaults: { rule: 'R-{line}' },
      continuation_pattern: '^\\s{2,}(?P<message>\\S.*)$',
      fixable_when: 'gate',
    });
    const out = parse(
      '\u001b[31ma.py:3: first\u001b[0m\n    more detail\nnoise\n  not a continuation\nb.py:7: second\r\n',
      { root, supportsAutofix: true },
    );
    expect(out.violations).toEqual([
      {
        file: 'a.py',
        line: 3,
        col: null,
        rule: 'R-3',
        message: 'first\nmore detail',
        severity: 'warning',
        fixable: true,
      },
      { file: 'b.py', line: 7, col: null, rule: 'R-7', message: 'second', severity: 'warning', fixable: true },
    ]);
  });

  it('maps the real format gate (pattern without line, defaults for rule and message)', () => {
    const parse = createTextParser({
      pattern: '^--- (?P<file>.+)$',
      severity_default: 'error',
      fixable_when: 'gate',
      defaults: { rule: 'FORMAT', message: 'File requires formatting' },
    });
    expect(
      parse('--- mcp_server/a.py\n+++ mcp_server/a.py\n@@ -1 +1 @@\n', { root, supportsAutofix: true }).violations,
    ).toEqual([
      {
        file: 'mcp_server/a.py',
        line: null,
        col: null,
        rule: 'FORMAT',
        message: 'File requires formatting',
        severity: 'error',
        fixable: true,
      },
    ]);
  });

  it('never throws on arbitrary (binary) text (property)', () => {
    const parse = createTextParser({
      pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?:(?P<col>\\d+):)? (?P<severity>\\w+): (?P<message>.+)$',
    });
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const v of parse(text, { root }).violations) expect(v.line === null || v.line >= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateGate', () => {
  const gate = jsonGate({ field_map: { file: 'f', message: 'm' } });

  it('a non-zero exit with nothing parsed is an error gate showing the stderr tail', () => {
    const e = evaluateGate(gate, [run({ exitCode: 2, stdout: '', stderr: 'line1\nTraceback: boom\n' })], { root });
    expect(e.status).toBe('error');
    expect(e.errorCode).toBe('E_GATE_OUTPUT');
    expect(e.reason).toContain('exited with code 2 and nothing was parsed');
    expect(e.reason).toContain('Traceback: boom');
  });

  it('violations with a failing exit code fail the gate; with an ok code they pass', () => {
    expect(evaluateGate(gate, [run({ exitCode: 1, stdout: '[{"f":"a.py","m":"x"}]' })], { root }).status).toBe(
      'failed',
    );
    expect(evaluateGate(gate, [run({ exitCode: 0, stdout: '[{"f":"a.py","m":"x"}]' })], { root }).status).toBe(
      'passed',
    );
  });

  it('truncated output is an error that keeps what it could read', () => {
    const e = evaluateGate(
      gate,
      [
        run({
          exitCode: 1,
          stdout: '[{"f":"a.py","m":"x"}, {"f"',
          stdoutTruncated: true,
          truncated: true,
          stdoutBytes: 200 * 1024 * 1024,
        }),
      ],
      { root },
    );
    expect(e.status).toBe('error');
    expect(e.reason).toContain('output was cut');
  });

  it('garbage output is a clear error, never a crash', () => {
    const e = evaluateGate(gate, [run({ exitCode: 1, stdout: '\u0000\u0001\u00ff binary noise' })], { root });
    expect(e.status).toBe('error');
    expect(e.reason).toContain('not valid JSON');
  });

  it('a missing Python module is reported as tool not found', () => {
    const g = jsonGate({ field_map: {} });
    g.execution.command = ['python', '-m', 'ruff', 'check'];
    const e = evaluateGate(g, [run({ exitCode: 1, stderr: '/usr/bin/python: No module named ruff\n' })], { root });
    expect(e.errorCode).toBe('E_TOOL_NOT_FOUND');
    expect(e.reason).toBe('tool not found: ruff (install it, e.g. `python -m pip install ruff`)');
    // A module missing in the code being checked is not the tool missing.
    const other = evaluateGate(g, [run({ exitCode: 1, stderr: 'No module named requests\n' })], { root });
    expect(other.errorCode).toBe('E_GATE_OUTPUT');
  });

  it("npx's ways of failing to find a package are tool not found, with the install hint", () => {
    const g = jsonGate({ field_map: {} });
    g.execution.command = ['npx', '--no-install', 'eslint', '-f', 'json'];
    for (const stderr of [
      'npm error could not determine executable to run\n',
      'npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/eslintt\n',
      'npx canceled due to missing packages and no YES option: ["eslint@9.0.0"]\n',
    ]) {
      const e = evaluateGate(g, [run({ exitCode: 1, stderr })], { root });
      expect(e.errorCode).toBe('E_TOOL_NOT_FOUND');
      expect(e.reason).toBe('tool not found: eslint (install it in the project: npm install --save-dev eslint)');
    }
  });

  it('a program that does not exist is "tool not found: X" with the gate\'s install hint', () => {
    const g = jsonGate({ field_map: {} });
    g.execution.install_hint = 'npm install --save-dev pyright';
    const error = Object.assign(new Error('tool not found: "pyright" is not installed or not on PATH'), {
      code: 'E_TOOL_NOT_FOUND',
      hint: 'install pyright',
    });
    const e = evaluateGate(g, [run({ exitCode: null, error: error as never })], { root });
    expect(e.reason).toBe('tool not found: tool (npm install --save-dev pyright)');
  });

  it('parsing that runs past the deadline is a timeout error', () => {
    const text = createTextParser({ pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.+)$' });
    const out = text('a.py:1: x\n'.repeat(1000), { root, deadline: performance.now() - 1 });
    expect(out.timedOut).toBe(true);
    const g = { ...jsonGate({ field_map: {} }) };
    g.capabilities = {
      ...g.capabilities,
      parsing_strategy: 'text_violations',
      text_violations: { pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.+)$' },
    };
    const e = evaluateGate(g, [run({ exitCode: 1, stdout: 'a.py:1: x\n'.repeat(1000) })], {
      root,
      deadline: performance.now() - 1,
    });
    expect(e).toMatchObject({ status: 'error', errorCode: 'E_TIMEOUT' });
  });

  it('applies require_no_issues, max_errors and min_score', () => {
    const strict = { ...gate, success: { exit_codes_ok: [0], require_no_issues: true } } as GateConfig;
    expect(evaluateGate(strict, [run({ stdout: '[{"f":"a","m":"x"}]' })], { root }).status).toBe('failed');
    const scored = {
      ...gate,
      capabilities: { ...gate.capabilities, parsing_strategy: 'exit_code' },
      success: { exit_codes_ok: [0], min_score: 9, score_pattern: 'rated at (?P<score>[\\d.]+)/10' },
    } as GateConfig;
    expect(evaluateGate(scored, [run({ stdout: 'Your code has been rated at 8.50/10' })], { root })).toMatchObject({
      status: 'failed',
      score: 8.5,
    });
    expect(evaluateGate(scored, [run({ stdout: 'Your code has been rated at 9.50/10' })], { root })).toMatchObject({
      status: 'passed',
      score: 9.5,
    });
  });

  it('exit_code strategy: pass/fail only', () => {
    const g = { ...gate, capabilities: { ...gate.capabilities, parsing_strategy: 'exit_code' } } as GateConfig;
    expect(evaluateGate(g, [run({ exitCode: 0 })], { root }).status).toBe('passed');
    const f = evaluateGate(g, [run({ exitCode: 1, stderr: 'bad things' })], { root });
    expect(f.status).toBe('failed');
    expect(f.reason).toContain('bad things');
  });
});
