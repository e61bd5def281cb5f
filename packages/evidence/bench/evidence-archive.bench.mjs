#!/usr/bin/env node
// Archives a 300 MB folder of 20,000 files with @st3/evidence (deterministic tar.zst + per-file
// SHA-256 index) and, in the same run, with `tar --sort=name ... | zstd -3` plus `sha256sum` over the
// files. Prints one markdown section. Usage: node bench/evidence-archive.bench.mjs [--files N] [--mb M]
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveDirectory } from '../dist/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const FILES = arg('--files', 20_000);
const TOTAL = arg('--mb', 300) * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'st3-archive-bench-'));
const src = join(work, 'tree');
try {
  // A source-tree-like mix: text that compresses and some incompressible bytes, 100 files per folder.
  let seed = 42;
  // xorshift32: a full-period generator (an LCG in doubles loses bits and repeats).
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const words = 'const function return import export value index module error result await async type interface'.split(
    ' ',
  );
  const avg = Math.floor(TOTAL / FILES);
  for (let i = 0; i < FILES; i++) {
    const dir = join(
      src,
      `pkg${String(Math.floor(i / 1000)).padStart(2, '0')}`,
      `dir${String(Math.floor(i / 100) % 10)}`,
    );
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const size = Math.max(64, Math.floor(avg * (0.25 + 1.5 * rand())));
    let buf;
    if (i % 10 === 0) {
      buf = Buffer.alloc(size);
      for (let j = 0; j < size; j += 4) buf.writeUInt32LE((rand() * 2 ** 32) >>> 0, Math.min(j, size - 4));
    } else {
      const parts = [];
      let len = 0;
      while (len < size) {
        const line = `${words[Math.floor(rand() * words.length)]} x${Math.floor(rand() * 1000)} = ${words[Math.floor(rand() * words.length)]}(${Math.floor(rand() * 1e6)});\n`;
        parts.push(line);
        len += line.length;
      }
      buf = Buffer.from(parts.join('')).subarray(0, size);
    }
    writeFileSync(join(dir, `file${i}.ts`), buf);
  }
  const bytes = Number(execSync(`du -sb ${src}`).toString().split('\t')[0]);
  execSync(`cat $(find ${src} -type f | head -2000) > /dev/null`); // warm the page cache for both sides

  const time = (fn) => {
    const t = performance.now();
    const out = fn();
    return { ms: performance.now() - t, out };
  };
  const peer = () => {
    const a = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C ${src} -c . | zstd -3 -q -f -o ${join(work, 'peer.tar.zst')} && cd ${src} && find . -type f -print0 | sort -z | xargs -0 sha256sum > ${join(work, 'peer.sums')}`,
      ],
      { stdio: 'inherit' },
    );
    if (a.status !== 0) throw new Error('peer pipeline failed');
  };
  const st3Run = async (name) => {
    const t = performance.now();
    const r = await archiveDirectory(src, join(work, name));
    return { ms: performance.now() - t, r };
  };
  peer(); // warm-up of the peer's binaries and the cache
  const p1 = time(peer);
  const s1 = await st3Run('st3-1.tar.zst');
  const p2 = time(peer);
  const s2 = await st3Run('st3-2.tar.zst');
  const peerMs = Math.min(p1.ms, p2.ms);
  const st3Ms = Math.min(s1.ms, s2.ms);
  const identical =
    Buffer.compare(readFileSync(join(work, 'st3-1.tar.zst')), readFileSync(join(work, 'st3-2.tar.zst'))) === 0;
  const peerSize = readFileSync(join(work, 'peer.tar.zst')).length;
  const ratio = st3Ms / peerMs;
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    '## Evidence: directory archive (deterministic tar.zst + per-file SHA-256 index)',
    '',
    `Input: ${FILES.toLocaleString('en')} files, ${mb(bytes)} (generated; 1 in 10 files incompressible), page cache warm. Best of two runs each, same run.`,
    '',
    '| tool | time | output | ratio |',
    '|---|---:|---:|---:|',
    `| \`tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -c \\| zstd -3\` + \`sha256sum\` | ${(peerMs / 1000).toFixed(2)} s | ${mb(peerSize)} | 1.00× |`,
    `| @st3/evidence \`archiveDirectory\` (zstd-napi level 3) | ${(st3Ms / 1000).toFixed(2)} s | ${mb(s1.r.size)} | ${ratio.toFixed(2)}× |`,
    '',
    `Goal: ≤ 1.3× the peer: **${ratio <= 1.3 ? 'met' : 'not met'}**. Rerun gives identical bytes: **${identical ? 'yes' : 'NO'}** (sha256 ${s1.r.sha256.slice(0, 16)}…, ${s1.r.index.files.length} files indexed).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
