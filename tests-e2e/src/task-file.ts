import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** git with a fixed identity and default branch and no signing, so tests do not depend on the machine's git config. */
export const git = (cwd: string, ...args: string[]): string =>
  execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  );

/** Writes files (paths relative to `root`), making their folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

export interface TaskFileOptions {
  title?: string;
  /** The validation commands, one pipeline step each (`val-001`, `val-002`, …). */
  commands?: readonly string[];
  /** YAML placed after the pipeline, e.g. `acceptance_criteria:\n  must: [works]\n` (absent: the task lacks them). */
  extra?: string;
  /** Leave out the `risks:` section. */
  noRisks?: boolean;
}

/** A schema 1.1 task file for the e2e tests: complete when `extra` holds its acceptance criteria. */
export function taskFile(id: string, options: TaskFileOptions = {}): string {
  const steps = (options.commands ?? ['node --version'])
    .map((command, i) => `    - id: val-${String(i + 1).padStart(3, '0')}\n      command: ${command}\n`)
    .join('');
  return `schema_version: "1.1"
id: ${id}
title: ${options.title ?? 't'}
status: todo
priority: P1
area: backend
description: d
scope:
  in: [src]
  out: [docs]
plan:
  - id: 1
    title: s
    actor: agent
    inputs: []
    outputs: [src/a.ts]
    definition_of_done: [done]
    estimate: S
validation:
  pipeline:
${steps}${options.extra ?? ''}deliverables: [src/a.ts]
${options.noRisks ? '' : 'risks:\n  - description: r\n    mitigation: m\n'}`;
}
