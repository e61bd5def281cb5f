#!/usr/bin/env node
// README example runner (`pnpm check:readmes`, after the type check of check-readme-examples.mjs): every
// fenced block of packages/*/README.md and apps/*/README.md whose info string is ```ts run is RUN, as a
// newcomer who pastes it into a file of their own project would run it:
//
// - it is transpiled with TypeScript's `transpileModule` (what tsx / ts-node do) and executed by `node` with
//   a fresh empty temp dir as cwd: a block that needs input files creates them itself;
// - `@st3/*` and every other bare import resolve as from the README's package folder (its own name through
//   its `exports`, its dependencies through its node_modules), against the built dists: build first;
// - it fails, located at the README and the block's line, on a thrown error, a non-zero exit or the
//   timeout (TIMEOUT_MS); stack traces point at README lines;
// - each line `// expect-output: <text>` inside the block pins a substring its stdout must contain.
//
// Info-string flags (after `ts`): `nocheck` = a signature listing, neither type-checked nor run; `run` = a
// runnable example, type-checked and run. A ```ts block with neither flag is type-checked only (a fragment
// that needs a server, a repository or a model). Mark an example `run` whenever it can be.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { extractBlocks, listReadmes } from './check-readme-examples.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export const RUN_FLAG = 'run';
export const TIMEOUT_MS = 30_000;
const CONCURRENCY = 2;
const EXPECT_RE = /^\s*\/\/\s*expect-output:\s?(.*)$/;
const OUTPUT_TAIL = 2000;

// Resolve hook: a bare specifier imported by the example resolves as from the README's package.json.
const RESOLVE_HOOKS = `
let from;
let scope;
export function initialize(data) {
  ({ from, scope } = data);
}
export function resolve(specifier, context, next) {
  const bare = !/^(node:|data:|file:|\\.|\\/)/.test(specifier);
  if (bare && context.parentURL?.startsWith(scope)) return next(specifier, { ...context, parentURL: from });
  return next(specifier, context);
}`;

/** The `--import` module that registers RESOLVE_HOOKS for an example under `codeDir` of the package at `packageDir`. */
function registerHooks(codeDir, packageDir) {
  const data = { from: pathToFileURL(join(packageDir, 'package.json')).href, scope: pathToFileURL(codeDir).href };
  const hooks = `data:text/javascript,${encodeURIComponent(RESOLVE_HOOKS)}`;
  const source = `import { register } from 'node:module';
register(${JSON.stringify(hooks)}, { data: ${JSON.stringify(data)} });`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

/** The `run` blocks of every README under `base`: `{ readme, line, code, expected[] }`. */
export function runnableBlocks(base) {
  const blocks = [];
  for (const readme of listReadmes(base))
    for (const block of extractBlocks(readFileSync(readme, 'utf8')))
      if (block.checked && block.run)
        blocks.push({
          readme,
          line: block.line,
          code: block.code,
          expected: expectedOutputs(block.code),
          // A listing is not code to run: a block marked both is reported, never skipped in silence.
          conflict: block.optOut,
        });
  return blocks;
}

/** The substrings pinned by `// expect-output:` lines of a block. */
export function expectedOutputs(code) {
  return code
    .split('\n')
    .map((text) => EXPECT_RE.exec(text)?.[1].trimEnd())
    .filter((text) => text !== undefined && text !== '');
}

/** The block as an ES module with an inline source map whose lines are the block's lines. */
function transpile(code, fileName) {
  return ts.transpileModule(code, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleDetection: ts.ModuleDetectionKind.Force,
      verbatimModuleSyntax: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  }).outputText;
}

function runNode(argv, cwd, timeoutMs) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // the example runs as a user's node would, not under this runner's flags
    // Its own process group, so that a timeout ends the example's children too.
    const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const done = (exitCode, signal, error = '') => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, stdout, stderr: `${stderr}${error}` });
    };
    child.on('error', (error) => done(null, null, error.message));
    child.on('close', (exitCode, signal) => done(exitCode, signal));
  });
}

/**
 * Runs one block: its code in `<temp>/code/example.mjs`, an empty `<temp>/cwd` as cwd. Returns `undefined`
 * when it passed, else the problem located at the README line of the block.
 */
export async function runBlock(base, block, { timeoutMs = TIMEOUT_MS } = {}) {
  const readme = relative(base, block.readme);
  if (block.conflict)
    return `${readme}:${block.line - 1}  a block is either \`nocheck\` (a listing) or \`${RUN_FLAG}\``;
  const temp = await mkdtemp(join(tmpdir(), 'st3-readme-run-'));
  try {
    const codeDir = join(temp, 'code');
    const cwd = join(temp, 'cwd');
    await mkdir(codeDir);
    await mkdir(cwd);
    const source = join(codeDir, 'example.ts');
    const file = join(codeDir, 'example.mjs');
    await writeFile(file, transpile(block.code, source));
    const argv = ['--enable-source-maps', '--import', registerHooks(codeDir, dirname(block.readme)), file];
    const r = await runNode(argv, cwd, timeoutMs);
    // Stack frames of the block (source-mapped) point at README lines.
    const located = (text) =>
      text.replace(
        new RegExp(`(?:${escapeRe(pathToFileURL(source).href)}|${escapeRe(source)}):(\\d+)`, 'g'),
        (_, n) => `${readme}:${block.line + Number(n) - 1}`,
      );
    const output = located(tail(r.stderr.trim() || r.stdout.trim() || '(no output)'));
    const where = `${readme}:${block.line}`;
    if (r.timedOut) return `${where}  did not finish within ${timeoutMs / 1000} s\n${indent(output)}`;
    if (r.exitCode !== 0)
      return `${where}  exited with ${r.exitCode ?? r.signal} (run with an empty temp dir as cwd)\n${indent(output)}`;
    const missing = block.expected.filter((text) => !r.stdout.includes(text));
    if (missing.length > 0) {
      const printed = indent(tail(r.stdout.trim() || '(nothing)'));
      return `${where}  stdout lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}; it printed:\n${printed}`;
    }
    return undefined;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function escapeRe(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tail(text) {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

function indent(text) {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Runs every `run` block under `base`, CONCURRENCY at a time: `{ examples, readmes, problems }`. */
export async function runReadmeExamples(base, options = {}) {
  const blocks = runnableBlocks(base);
  const problems = new Array(blocks.length);
  let next = 0;
  const worker = async () => {
    while (next < blocks.length) {
      const index = next++;
      problems[index] = await runBlock(base, blocks[index], options);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const found = problems.filter((p) => p !== undefined);
  if (blocks.length === 0) found.push(`no \`\`\`ts ${RUN_FLAG} example found in any README: nothing was run`);
  return { examples: blocks.length, readmes: new Set(blocks.map((b) => b.readme)).size, problems: found };
}

async function main() {
  const started = performance.now();
  const { examples, readmes, problems } = await runReadmeExamples(root);
  if (problems.length > 0) {
    console.error(`README example run failed (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${examples} examples (${RUN_FLAG}) in ${readmes} READMEs ran and printed what they pin (${seconds} s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
