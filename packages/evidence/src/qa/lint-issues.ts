import { isAbsolute, relative, resolve, sep } from 'node:path';
import { createOutputParser, findPreset, parseEslintStylish, stripAnsi } from '@st3/quality-gates';
import { St3Error, type GateConfig, type QaFormat, type QaIssue, type QaSummary } from '@st3/schemas';
import { MYPY_SUMMARY, TSC_SUMMARY } from './detect-format.js';
import { NOT_CHECKED_RULE, saysNotChecked } from './measured.js';
import type { SummarizeQaInput } from './summarize.js';

// The issues of a lint or type-check log, read by the quality-gates presets' own parsers.

const MAX_ISSUES = 500;
/** The other two tsc line forms, read by the gate engine's text parser with the tsc preset's own settings. */
const TSC_PATTERNS = [
  '^(?P<file>.+?):(?P<line>\\d+):(?P<col>\\d+) - (?P<severity>error|warning|message) (?P<rule>TS\\d+): (?P<message>.*)$',
  '^(?P<severity>error|warning|message) (?P<rule>TS\\d+): (?P<message>.*)$',
];

/** What the lint and type-check readers give: a violation of a gate, or a problem of ESLint's stylish report. */
interface Finding {
  file: string | null;
  line: number | null;
  rule: string | null;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

function findingsOf(input: SummarizeQaInput, format: QaFormat): Finding[] {
  const base = input.cwd ?? input.root;
  if (format === 'eslint-stylish')
    return parseEslintStylish(input.text, base).map((p) => ({ ...p, file: relativeTo(input.root, base, p.file) }));
  if (format === 'tsc-text') return tscFindings(input);
  if (format === 'mypy-text') return mypyFindings(input);
  return presetFindings(input, findPresetGate(format === 'ruff-json' ? 'ruff' : 'eslint'));
}

function findPresetGate(id: string): GateConfig {
  const preset = findPreset(id);
  if (!preset) throw new St3Error('E_INTERNAL', `no ${id} gate preset`);
  return preset.gate;
}

/** The violations a gate's own parser reads from the log. */
function presetFindings(input: SummarizeQaInput, gate: GateConfig): Finding[] {
  const parser = createOutputParser(gate);
  if (!parser) throw new St3Error('E_INTERNAL', `the ${gate.name} gate preset has no output parser`);
  const outcome = parser(input.text, { root: input.root, ...(input.cwd ? { cwd: input.cwd } : {}) });
  if (outcome.problem) throw new Error(outcome.problem);
  return outcome.violations;
}

/**
 * A mypy log through the mypy preset's parser; its errors must add up to the `Found N errors` of its summary,
 * else the log was not understood (a half-read log never passes as clean).
 */
function mypyFindings(input: SummarizeQaInput): Finding[] {
  const findings = presetFindings(input, findPresetGate('mypy'));
  const found = Number(MYPY_SUMMARY.exec(stripAnsi(input.text))?.[2] ?? 0);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors !== found)
    throw new Error(`mypy log not fully understood: its summary says ${found} error(s), ${errors} read`);
  return findings;
}

/**
 * A tsc log: its plain lines through the tsc preset, its pretty lines (tsc's default on a terminal) and
 * the lines without a file through the same text parser with those line patterns. When the log has
 * tsc's `Found N errors` summary, the errors read must add up to it, else the log was not understood
 * and this throws (a half-read log never passes as clean), as `parseEslintStylish` does for ESLint.
 */
function tscFindings(input: SummarizeQaInput): Finding[] {
  const gate = findPresetGate('tsc');
  const text = gate.capabilities.text_violations!;
  const findings = [
    presetFindings(input, gate),
    ...TSC_PATTERNS.map((pattern) =>
      presetFindings(input, {
        ...gate,
        capabilities: { ...gate.capabilities, text_violations: { ...text, pattern } },
      }),
    ),
  ].flat();
  const summaries = [...stripAnsi(input.text).matchAll(TSC_SUMMARY)].map((m) => Number(m[1]));
  if (summaries.length > 0) {
    const said = summaries.reduce((a, b) => a + b, 0);
    const read = findings.filter((f) => f.severity === 'error').length;
    if (said !== read)
      throw new Error(
        `tsc log not fully understood: its summary says ${plural(said, 'error')}, ${read} ${read === 1 ? 'was' : 'were'} read`,
      );
  }
  return findings;
}

/** A path read relative to `base` (the command's folder), made relative to the workspace root. */
function relativeTo(root: string, base: string, file: string): string {
  if (base === root || isAbsolute(file)) return file;
  const abs = resolve(base, file);
  const rel = relative(root, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

export function issuesOf(input: SummarizeQaInput, format: QaFormat): NonNullable<QaSummary['issues']> {
  const all = findingsOf(input, format);
  // ESLint's "File ignored …" is the tool saying it did not check a file (the eslint preset's
  // not_checked_patterns): not a warning to count, but a file whose figures are unknown.
  const lint = format === 'eslint-json' || format === 'eslint-stylish';
  const unchecked = lint ? all.filter((v) => saysNotChecked(v.message)) : [];
  const findings = unchecked.length > 0 ? all.filter((v) => !saysNotChecked(v.message)) : all;
  const byRule: Record<string, { errors: number; warnings: number }> = {};
  let errors = 0;
  let warnings = 0;
  for (const v of findings) {
    const entry = (byRule[ruleOf(v)] ??= { errors: 0, warnings: 0 });
    if (v.severity === 'error') {
      errors++;
      entry.errors++;
    } else if (v.severity === 'warning') {
      warnings++;
      entry.warnings++;
    }
  }
  const rank = (v: Finding) => (v.severity === 'error' ? 0 : v.severity === 'warning' ? 1 : 2);
  const sorted = [...findings].sort(
    (a, b) => rank(a) - rank(b) || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0),
  );
  // Files not checked come first, so the cap never drops them; a violation the tool gave no file or
  // line (null) is recorded as '' / 0 in the QA summary format.
  const notChecked: QaIssue[] = unchecked.map((v) => ({
    file: v.file ?? '',
    line: 0,
    rule: NOT_CHECKED_RULE,
    severity: 'info',
    message: v.message,
  }));
  const list: QaIssue[] = [
    ...notChecked,
    ...sorted.slice(0, Math.max(0, MAX_ISSUES - notChecked.length)).map((v) => ({
      file: v.file ?? '',
      line: v.line ?? 0,
      rule: ruleOf(v),
      severity: v.severity,
      message: v.message,
    })),
  ];
  return { errors, warnings, by_rule: byRule, list, truncated: notChecked.length + sorted.length > MAX_ISSUES };
}

const ruleOf = (v: Finding): string => v.rule || '(no rule)';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
