import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// The complete task file the evidence tests use (one definition of a valid task for tests).
import { completeTask } from '../../packages/evidence/test/task-text.js';

/**
 * Fault harness (issue 20.7): 8 concurrent writer processes per locked file kind, each making its
 * changes through the library call that owns the file (so through @st3/fs's lock and atomic write).
 * Every acknowledged change must be in the file at the end: nothing lost, nothing doubled, no lock
 * or temp file left behind.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const WORKER = join(here, 'workers', 'locked-writer.mjs');
const repo = join(here, '..', '..');
const built = ['evidence', 'scaffolder', 'quality-gates', 'telemetry', 'executor'].every((p) =>
  existsSync(join(repo, 'packages', p, 'dist', 'index.js')),
);
const WRITERS = 8;
const EACH = 5;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function writers(kind: string, root: string): Promise<{ acked: string[]; ms: number }> {
  const started = Date.now();
  const acked: string[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, (_, w) => {
      const child = spawn(process.execPath, [WORKER, kind, root, `w${w}`, String(EACH)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        for (const line of d.split('\n')) if (line.startsWith('A ')) acked.push(line.slice(2));
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      return new Promise<void>((resolve, reject) =>
        child.on('close', (code) =>
          code === 0 ? resolve() : reject(new Error(`${kind} writer ${w} exited ${code}: ${err}`)),
        ),
      );
    }),
  );
  return { acked: acked.sort(), ms: Date.now() - started };
}

const all = (): string[] =>
  Array.from({ length: WRITERS * EACH }, (_, n) => `w${Math.floor(n / EACH)}-${n % EACH}`).sort();
const litter = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true }))
    .filter((n) => /\.lock$|\.tmp$|\.pending$|takeover-/.test(String(n)))
    .map(String);

async function workspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'st3-locked-'));
  dirs.push(root);
  return root;
}

describe.skipIf(!built)('8 concurrent writers per locked file', () => {
  it('exception ledger: every acknowledged add is kept', async () => {
    const root = await workspace();
    const { acked, ms } = await writers('ledger', root);
    const ledger = JSON.parse(await readFile(join(root, 'ledger.json'), 'utf8')) as {
      exceptions: { task_id: string }[];
    };
    expect(acked).toEqual(all());
    expect(ledger.exceptions.map((e) => e.task_id.slice('TASK-'.length)).sort()).toEqual(all());
    expect(await litter(root)).toEqual([]);
    console.log(`locked files harness: ledger ${WRITERS}×${EACH}, ${ms} ms`);
  }, 120_000);

  it('template registry: every recorded version is kept', async () => {
    const root = await workspace();
    const { acked, ms } = await writers('template-registry', root);
    const registry = JSON.parse(await readFile(join(root, '.st3', 'template_registry.json'), 'utf8')) as {
      current_versions: Record<string, string>;
    };
    expect(acked).toEqual(all());
    expect(
      Object.keys(registry.current_versions)
        .map((t) => t.slice(2))
        .sort(),
    ).toEqual(all());
    expect(await litter(root)).toEqual([]);
    console.log(`locked files harness: template registry ${WRITERS}×${EACH}, ${ms} ms`);
  }, 120_000);

  it('task context and evidence index: every attachment is in both', async () => {
    const root = await workspace();
    execFileSync('git', ['init', '-q'], { cwd: root });
    await mkdir(join(root, 'tasks'), { recursive: true });
    await writeFile(join(root, 'tasks', 'TASK-7001-locks.task.yaml'), completeTask('TASK-7001'));
    const { initContext, loadTasksConfig } = (await import(join(repo, 'packages/evidence/dist/index.js'))) as {
      initContext: (ws: unknown, ref: string, o?: unknown) => Promise<unknown>;
      loadTasksConfig: (root: string) => Promise<unknown>;
    };
    await initContext(await loadTasksConfig(root), 'TASK-7001', { worktree: 'skip' });
    const { acked, ms } = await writers('task-context', root);
    const dir = join(root, '.st3', 'tasks', 'TASK-7001');
    const context = JSON.parse(await readFile(join(dir, 'context.json'), 'utf8')) as { evidence: unknown[] };
    const indexFile = (await readdir(dir, { recursive: true }))
      .map(String)
      .find((n) => /index\.json$/.test(n) && n.includes('evidence'));
    const index = JSON.parse(await readFile(join(dir, indexFile!), 'utf8')) as { entries: { description: string }[] };
    expect(acked).toEqual(all());
    expect(index.entries.map((e) => e.description).sort()).toEqual(all());
    expect(context.evidence).toHaveLength(WRITERS * EACH);
    expect(await litter(join(root, '.st3'))).toEqual([]);
    console.log(`locked files harness: task context + evidence index ${WRITERS}×${EACH}, ${ms} ms`);
  }, 180_000);

  it('gates state: every failing file recorded by a run is kept', async () => {
    const root = await workspace();
    const { acked, ms } = await writers('gates-state', root);
    const state = JSON.parse(await readFile(join(root, '.st3', 'state.json'), 'utf8')) as {
      quality_gates: { failed_files: string[]; gates: { lint: { failed_files: string[] } } };
    };
    expect(acked).toEqual(all());
    expect(state.quality_gates.failed_files.map((f) => f.slice(2))).toEqual(all());
    expect(state.quality_gates.gates.lint.failed_files.map((f) => f.slice(2))).toEqual(all());
    expect(await litter(root)).toEqual([]);
    console.log(`locked files harness: gates state ${WRITERS}×${EACH}, ${ms} ms`);
  }, 120_000);

  it('telemetry: every appended read is counted', async () => {
    const root = await workspace();
    const { acked, ms } = await writers('telemetry', root);
    const record = JSON.parse(await readFile(join(root, 'telemetry-harness.json'), 'utf8')) as {
      file_reads: { path: string; bytes: number; count: number }[];
    };
    expect(acked).toEqual(all());
    expect(record.file_reads.map((f) => f.path.slice('src/'.length, -'.ts'.length)).sort()).toEqual(all());
    expect(record.file_reads.every((f) => f.count === 1 && f.bytes === 100)).toBe(true);
    expect(await litter(root)).toEqual([]);
    console.log(`locked files harness: telemetry ${WRITERS}×${EACH}, ${ms} ms`);
  }, 120_000);

  it('review queue: every added item is queued once', async () => {
    const root = await workspace();
    const { acked, ms } = await writers('review-queue', root);
    const queue = JSON.parse(await readFile(join(root, '.st3', 'review', 'queue.json'), 'utf8')) as {
      items: { id: string; nodeId: string }[];
    };
    expect(acked).toEqual(all());
    expect(queue.items.map((i) => i.nodeId).sort()).toEqual(all());
    expect(new Set(queue.items.map((i) => i.id)).size).toBe(WRITERS * EACH);
    expect(await litter(root)).toEqual([]);
    console.log(`locked files harness: review queue ${WRITERS}×${EACH}, ${ms} ms`);
  }, 120_000);
});
