// Helpers of the end-to-end tests: a temporary git workspace made from examples/, and the built binary.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const examples = resolve(here, '../../../examples');
/** The built `st3-tasks` binary (`pnpm turbo run build --filter=@st3/tasks-cli` first). */
export const bin = resolve(here, '../dist/bin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary in `cwd`. */
export function st3Tasks(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1', ST3_AGENT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/**
 * A git workspace with the example's tasks config and standards, the given task files (name → text;
 * default: the example task TASK-0001) and extra files, all committed.
 */
export async function makeWorkspace(
  options: { tasks?: Record<string, string>; files?: Record<string, string | Buffer> } = {},
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-tasks-cli-'));
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'tasks'));
  await mkdir(join(dir, 'standards'));
  await copyFile(join(examples, '.st3/config/tasks.yaml'), join(dir, '.st3/config/tasks.yaml'));
  await copyFile(join(examples, 'standards/engineering.md'), join(dir, 'standards/engineering.md'));
  if (!options.tasks)
    await copyFile(
      join(examples, 'tasks/TASK-0001-example-evidence.task.yaml'),
      join(dir, 'tasks/TASK-0001-example-evidence.task.yaml'),
    );
  for (const [name, text] of Object.entries(options.tasks ?? {})) await writeFile(join(dir, 'tasks', name), text);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'workspace');
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
