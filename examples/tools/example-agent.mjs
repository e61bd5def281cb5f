#!/usr/bin/env node
// The example workspace's agent: a deterministic stand-in for a model, used by `st3 run` and by the
// README walk-through (`st3 execute src --agent example --only-matching TODO`). ST3 runs it as a
// `command` agent: the prompt arrives on stdin (and in $ST3_PROMPT_FILE); the answer is printed on
// stdout as one fenced code block that replaces the atom's lines. It knows the bodies of this
// workspace's TODO atoms by function name and replaces each TODO stub with its body.
import process from 'node:process';

const BODIES = {
  taxCents: [
    "if (!Number.isInteger(cents) || cents < 0) throw new RangeError('cents must be a whole, non-negative amount');",
    "if (!(ratePercent >= 0)) throw new RangeError('ratePercent must be 0 or more');",
    'return Math.round((cents * ratePercent) / 100);',
  ],
  net_from_gross_cents: [
    'if rate not in RATES:',
    '    raise KeyError(f"unknown VAT rate: {rate}")',
    'if gross < 0:',
    '    raise ValueError("gross amount must not be negative")',
    'divisor = 100 + RATES[rate]',
    'return (gross * 100 + divisor // 2) // divisor',
  ],
};

let prompt = '';
for await (const chunk of process.stdin) prompt += chunk;

// The atom is the fenced block under "## The atom: <file> lines <a>-<b>".
const atom = /^## The atom: (\S+) lines \d+-\d+\n\n(`{3,})(\w*)\n([\s\S]*?)\n\2$/m.exec(prompt);
if (!atom) {
  process.stderr.write('example agent: no atom in the prompt\n');
  process.exit(2);
}
const [, file, , lang, code] = atom;
const name = /(?:function|def)\s+([A-Za-z_]\w*)/.exec(code)?.[1];
const body = name ? BODIES[name] : undefined;
if (!body) {
  process.stderr.write(`example agent: no implementation for ${name ?? 'this atom'} in ${file}\n`);
  process.exit(3);
}
// Replace the stub (the TODO comment and the line that raises) with the body, at the stub's indent.
const lines = code.split('\n');
const todo = lines.findIndex((l) => /TODO/.test(l));
const stubEnd = lines.findIndex((l, i) => i > todo && /\b(throw|raise)\b/.test(l));
if (todo < 0 || stubEnd < 0) {
  process.stderr.write(`example agent: ${name} has no TODO stub to replace\n`);
  process.exit(3);
}
const indent = /^\s*/.exec(lines[todo])[0];
lines.splice(todo, stubEnd - todo + 1, ...body.map((l) => indent + l));
process.stdout.write(`Here is ${name}:\n\n\`\`\`${lang}\n${lines.join('\n')}\n\`\`\`\n`);
