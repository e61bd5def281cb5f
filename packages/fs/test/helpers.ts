import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

/** The built package, as worker processes load it (turbo builds before testing). */
const here = fileURLToPath(new URL('.', import.meta.url));
export const DIST = pathToFileURL(join(here, '..', 'dist', 'index.js')).href;
export const WORKERS = join(here, 'workers');
export const distBuilt = existsSync(join(here, '..', 'dist', 'index.js'));

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

export async function tempDir(prefix = 'st3-fs-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A pid that certainly belongs to no running process: a child that has exited and been reaped. */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

export interface Worker {
  child: ChildProcess;
  lines: string[];
  done: Promise<number | null>;
  onLine(fn: (line: string) => void): void;
}

/** Starts a node worker script and collects its stdout lines. */
export function startWorker(script: string, args: string[]): Worker {
  const child = spawn(process.execPath, [join(WORKERS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const fn of listeners) fn(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`worker ${script} exited ${code}: ${stderr}\n`);
      resolve(code);
    }),
  );
  return { child, lines, done, onLine: (fn) => listeners.push(fn) };
}
