import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERM_GRACE_MS } from '../src/index.js';

// A real entry point built on runMain (the built package: what a bin imports).
const entry = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href;
const script = (run: string) => `import { runMain } from ${JSON.stringify(entry)};
runMain(${run});
process.stdout.write('ready\\n');
`;
/** Honours the abort: works (the event loop turns) until the signal fires, then resolves "interrupted" (130). */
const HONOURS = script(`(argv, io) => new Promise((resolve) => {
  const work = setInterval(() => {}, 100);
  io.signal.addEventListener('abort', () => setTimeout(() => { clearInterval(work); resolve(130); }, 50));
})`);
/** Never looks at the signal: keeps working (the event loop turns) until it is ended. */
const IGNORES = script(`() => new Promise(() => setInterval(() => {}, 100))`);
/** Reads a FIFO no one writes: a libuv thread blocked for good, which `process.exit` waits for. */
const BLOCKED = script(`async () => {
  await import('node:fs/promises').then((fs) => fs.readFile(new URL('./fifo', import.meta.url)));
  return 0;
}`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-main-'));
  await writeFile(join(dir, 'honours.mjs'), HONOURS);
  await writeFile(join(dir, 'ignores.mjs'), IGNORES);
  await writeFile(join(dir, 'blocked.mjs'), BLOCKED);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts a script, waits until it runs, sends the signals; resolves its exit code and how long it took. */
async function stopWith(
  file: string,
  signals: NodeJS.Signals[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const child = spawn(process.execPath, [join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready) => child.stdout.once('data', () => ready()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on('exit', (code, signal) => r([code, signal])),
  );
  const start = Date.now();
  for (const [i, s] of signals.entries()) {
    // Two signals sent back to back can arrive as one (POSIX signals do not queue): space them.
    if (i > 0) await new Promise((r) => setTimeout(r, 300));
    child.kill(s);
  }
  const [code, signal] = await exited;
  return { code, signal, ms: Date.now() - start };
}

describe('runMain and signals', () => {
  it('SIGTERM aborts the command like Ctrl-C; an interrupted command exits 143', async () => {
    const r = await stopWith('honours.mjs', ['SIGTERM']);
    expect(r.code).toBe(143);
    expect(r.ms).toBeLessThan(TERM_GRACE_MS);
  });

  it('Ctrl-C still exits 130', async () => {
    expect((await stopWith('honours.mjs', ['SIGINT'])).code).toBe(130);
  });

  it('a command that ignores the abort is ended TERM_GRACE_MS after SIGTERM (it must not outlive `timeout`)', async () => {
    const r = await stopWith('ignores.mjs', ['SIGTERM']);
    expect(r.code).toBe(143);
    expect(r.ms).toBeGreaterThanOrEqual(TERM_GRACE_MS - 100);
    expect(r.ms).toBeLessThan(TERM_GRACE_MS + 5_000);
  }, 20_000);

  it('a command stuck in a read that never returns (a FIFO no one writes) is still ended after SIGTERM', async () => {
    const r = await stopWith('blocked.mjs', ['SIGTERM']);
    // process.exit would wait for the blocked thread forever: SIGTERM's default action ends it (a shell: 143).
    expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    expect(r.ms).toBeLessThan(TERM_GRACE_MS + 5_000);
  }, 20_000);

  it('a second signal ends it at once', async () => {
    const term = await stopWith('ignores.mjs', ['SIGTERM', 'SIGTERM']);
    expect(term.code).toBe(143);
    expect(term.ms).toBeLessThan(TERM_GRACE_MS);
    const int = await stopWith('ignores.mjs', ['SIGINT', 'SIGINT']);
    expect(int.code).toBe(130);
  });
});
