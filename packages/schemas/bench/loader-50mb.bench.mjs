#!/usr/bin/env node
// Loading a 50 MB YAML and a 50 MB JSON file with `loadText` (schema-validated) against the bare parsers
// (`JSON.parse`, js-yaml's `load`) on the same text, each in its own process so peak memory (max RSS) is its own.
// Prints one markdown section. Needs a build (`pnpm --filter @st3/schemas build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MB = 50;

if (process.argv[2] === 'child') {
  const [, , , mode, file] = process.argv;
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(file, 'utf8');
  const start = performance.now();
  let count;
  if (mode === 'st3') {
    const { loadText } = await import('../dist/index.js');
    const { z } = await import('zod');
    const Item = z.object({
      id: z.number().int(),
      name: z.string(),
      tags: z.array(z.string()),
      nested: z.object({ x: z.number(), y: z.string() }),
    });
    const r = loadText(text, { file, schema: z.object({ items: z.array(Item) }) });
    if (r.errors.length > 0) throw new Error(JSON.stringify(r.errors[0]));
    count = r.value.items.length;
  } else if (mode === 'json') {
    count = JSON.parse(text).items.length;
  } else {
    const yaml = await import('js-yaml');
    count = yaml.load(text).items.length;
  }
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, count, rss: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

function generate(kind) {
  const parts = [];
  let size = 0;
  let i = 0;
  if (kind === 'json') {
    parts.push('{"items": [\n');
    while (size < MB * 1e6) {
      const s = `${i ? ',\n' : ''}  {"id": ${i}, "name": "item ${i}", "tags": ["a", "b"], "nested": {"x": ${i * 2}, "y": "text value ${i}"}}`;
      parts.push(s);
      size += s.length;
      i++;
    }
    parts.push('\n]}\n');
  } else {
    parts.push('items:\n');
    while (size < MB * 1e6) {
      const s = `  - id: ${i}\n    name: item ${i}\n    tags: [a, b]\n    nested: {x: ${i * 2}, y: text value ${i}}\n`;
      parts.push(s);
      size += s.length;
      i++;
    }
  }
  return parts.join('');
}

const dir = mkdtempSync(join(tmpdir(), 'st3-bench-'));
const rows = [];
try {
  for (const kind of ['yaml', 'json']) {
    const file = join(dir, `big.${kind}`);
    const text = generate(kind);
    writeFileSync(file, text);
    for (const mode of ['st3', kind === 'json' ? 'json' : 'js-yaml']) {
      const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, 'child', mode, file], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) throw new Error(`${mode} ${kind} failed: ${r.stderr}`);
      rows.push({ kind, mode, bytes: text.length, ...JSON.parse(r.stdout) });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const lines = rows.map(
  (r) =>
    `| ${r.kind.toUpperCase()} ${mb(r.bytes)} | ${r.mode === 'st3' ? '`loadText` + zod schema' : r.mode === 'json' ? '`JSON.parse`' : 'js-yaml `load`'} | ${r.ms.toFixed(0)} ms | ${mb(r.rss)} | ${r.count} |`,
);
const st3Yaml = rows.find((r) => r.kind === 'yaml' && r.mode === 'st3');
const peerYaml = rows.find((r) => r.kind === 'yaml' && r.mode !== 'st3');
const st3Json = rows.find((r) => r.kind === 'json' && r.mode === 'st3');
const peerJson = rows.find((r) => r.kind === 'json' && r.mode !== 'st3');
const limit = 2 * 2 ** 30;
const met = rows.every((r) => r.mode !== 'st3' || r.rss < limit);
console.log(`## Loader on 50 MB inputs (\`@st3/schemas\` \`loadText\`)

Each run in its own process; max RSS includes the input text and Node itself.

| input | loader | time | max RSS | records |
|---|---|---|---|---|
${lines.join('\n')}

Ratios (ST3 / bare parser): YAML time ${(st3Yaml.ms / peerYaml.ms).toFixed(2)}×, memory ${(st3Yaml.rss / peerYaml.rss).toFixed(2)}×; JSON time ${(st3Json.ms / peerJson.ms).toFixed(2)}×, memory ${(st3Json.rss / peerJson.rss).toFixed(2)}×.
(The \`yaml\` document parser used below 4 MB, which keeps node positions, needs about 680 MiB for 5 MB of YAML, so it would not fit for 50 MB.)

Goal: a 50 MB file loads and validates in under 2 GiB of memory — **${met ? 'met' : 'not met'}**.`);
