// The built st3-graph binary (what `st3 graph|waves|execute|review …` dispatch to), run as a user runs it.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs st3-graph in `cwd` (no colour, CI mode); `onStart` gets the child (to signal it). */
export function st3Graph(
  cwd: string,
  args: string[],
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    onStart?.(child);
  });
}
