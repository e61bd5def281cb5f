#!/usr/bin/env node
// Parsing: a 100,000-violation ESLint JSON report through the json_violations strategy (the shipped
// eslint preset) against bare JSON.parse of the same text. Goal: ratio ≤ 1.5.
import { createOutputParser, findPreset } from '../dist/index.js';

const FILES = 2_000;
const PER_FILE = 50;
const root = '/work/project';
const results = [];
for (let f = 0; f < FILES; f++) {
  const messages = [];
  for (let m = 0; m < PER_FILE; m++) {
    messages.push({
      ruleId: m % 3 ? 'no-unused-vars' : 'eqeqeq',
      severity: m % 4 ? 2 : 1,
      message: `'v${m}' is assigned a value but never used.`,
      line: m + 1,
      column: (m % 40) + 1,
      nodeType: 'Identifier',
      messageId: 'unusedVar',
      endLine: m + 1,
      endColumn: (m % 40) + 5,
      ...(m % 5 === 0 ? { fix: { range: [m, m + 3], text: '' } } : {}),
    });
  }
  results.push({
    filePath: `${root}/src/dir${f % 50}/file${f}.ts`,
    messages,
    suppressedMessages: [],
    errorCount: PER_FILE,
    fatalErrorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  });
}
const text = JSON.stringify(results);
const parse = createOutputParser(findPreset('eslint').gate);

function time(fn) {
  globalThis.gc?.();
  const t = performance.now();
  const out = fn();
  return { ms: performance.now() - t, out };
}
const engine = [];
const bare = [];
let count = 0;
for (let i = 0; i < 7; i++) {
  bare.push(time(() => JSON.parse(text)).ms);
  const r = time(() => parse(text, { root }));
  engine.push(r.ms);
  count = r.out.violations.length;
}
if (count !== FILES * PER_FILE) throw new Error(`parsed ${count} violations, expected ${FILES * PER_FILE}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const e = median(engine);
const b = median(bare);
const ratio = e / b;
console.log(`## Gates: parsing a 100,000-violation ESLint report

${(text.length / 2 ** 20).toFixed(1)} MiB of \`eslint -f json\` output (${FILES} files × ${PER_FILE} messages), parsed into \`Violation\` records by the shipped eslint preset (\`json_violations\`, nested \`[]/messages\` with the file from the parent) against a bare \`JSON.parse\` of the same text. Median of 7.

| | time |
|---|---|
| \`JSON.parse\` only | ${b.toFixed(0)} ms |
| ST3 json_violations (parse + map + normalize paths) | ${e.toFixed(0)} ms |
| ratio | ${ratio.toFixed(2)}× |

Goal: ≤ 1.5× — ${ratio <= 1.5 ? '**met**' : '**not met**'}.`);
