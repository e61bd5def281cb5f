import { relative, resolve, sep } from 'node:path';
import type { GateConfig } from '@st3/schemas';
import { createOutputParser, evaluateGate, type GateEvaluation } from '../parse/evaluate.js';
import { runProcess, tail, type ProcessResult } from '@st3/process';
import { writeArtifactLog } from './artifact-log.js';
import { chunkFiles, commandLineBudget } from './chunk.js';
import { checkedByCount, checkedByOutput, filesNotListed, withNotChecked, withoutEmptyFiles } from './checked-files.js';
import { checkedByPyrightIgnore } from './pyright-ignore.js';
import { toolEnv } from './tool-env.js';

export { toolEnv };

export interface ExecuteOptions {
  root: string;
  /** Where the `node_modules/.bin` search stops going up (the repository root, else the workspace root). */
  top?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  commandLineBudget?: number;
  logging?: { dir: string; maxFiles?: number };
  now: () => Date;
  /** Log name suffix (e.g. `fix`). */
  logTag?: string;
}

/** One command to run for a gate: argv, what goes on stdin, and the working folder. */
export interface CommandPlan {
  command: readonly string[];
  passFiles: 'args' | 'stdin' | 'none';
  workingDir?: string | null;
  timeoutSeconds?: number;
  maxOutputBytes?: number;
  env?: Record<string, string>;
}

/** The command plan of a gate's check. */
export function checkCommand(gate: GateConfig): CommandPlan {
  const e = gate.execution;
  return {
    command: e.command,
    passFiles: e.pass_files ?? 'args',
    workingDir: e.working_dir,
    timeoutSeconds: e.timeout_seconds,
    maxOutputBytes: e.max_output_bytes,
    env: e.env,
  };
}

/** Runs a command over files (chunked under the command-line limit, or on stdin); stops at the first run error. */
export async function runCommand(
  id: string,
  plan: CommandPlan,
  files: readonly string[],
  options: ExecuteOptions,
): Promise<{ runs: ProcessResult[]; workDir: string; deadline?: number }> {
  const workDir = plan.workingDir ? resolve(options.root, plan.workingDir) : options.root;
  const relFiles =
    workDir === options.root
      ? files
      : files.map((f) => relative(workDir, resolve(options.root, f)).split(sep).join('/'));
  const base = [...plan.command];
  const argvs: { argv: string[]; input?: string }[] =
    plan.passFiles === 'none'
      ? [{ argv: base }]
      : plan.passFiles === 'stdin'
        ? [{ argv: base, input: `${relFiles.join('\n')}\n` }]
        : chunkFiles(base, relFiles, options.commandLineBudget ?? commandLineBudget()).map((chunk) => ({
            argv: [...base, ...chunk],
          }));
  const env = toolEnv({ ...(options.env ?? process.env), ...plan.env }, workDir, options.top ?? options.root);
  const timeoutMs = plan.timeoutSeconds ? plan.timeoutSeconds * 1000 : undefined;
  const deadline = timeoutMs !== undefined ? performance.now() + timeoutMs : undefined;
  const runs: ProcessResult[] = [];
  for (const [i, { argv, input }] of argvs.entries()) {
    // Every chunk shares the gate's one timeout.
    const left = deadline !== undefined ? Math.max(1, Math.round(deadline - performance.now())) : undefined;
    const run = await runProcess({
      argv,
      cwd: workDir,
      env,
      input,
      timeoutMs: left,
      maxOutputBytes: plan.maxOutputBytes,
      signal: options.signal,
    });
    runs.push(run);
    if (options.logging) {
      const tag = options.logTag ? `${id}-${options.logTag}` : id;
      await writeArtifactLog(
        options.root,
        options.logging,
        tag,
        argv,
        run,
        argvs.length > 1 ? i + 1 : 0,
        options.now(),
      ).catch(() => undefined);
    }
    if (run.error) break;
  }
  return { runs, workDir, ...(deadline !== undefined ? { deadline } : {}) };
}

/** Runs a gate's check on its files and evaluates the output (parsing counts against the timeout). */
export async function executeCheck(
  id: string,
  gate: GateConfig,
  files: readonly string[],
  options: ExecuteOptions,
): Promise<GateEvaluation> {
  const { runs, workDir, deadline } = await runCommand(id, checkCommand(gate), files, options);
  let evaluation: GateEvaluation;
  try {
    evaluation = evaluateGate(
      gate,
      runs,
      { root: options.root, cwd: workDir, supportsAutofix: gate.capabilities.supports_autofix, deadline },
      createOutputParser(gate),
    );
  } catch (error) {
    return {
      status: 'error',
      violations: [],
      errorCode: 'E_GATE_OUTPUT',
      reason: `output not understood: ${(error as Error).message}`,
    };
  }
  if (evaluation.status === 'error') return evaluation;
  const ignored = checkedByPyrightIgnore(gate, files, workDir, options.root, evaluation);
  if (ignored.status === 'error') return ignored;
  const counted = checkedByCount(gate, files, runs, ignored);
  if (counted.status === 'error') return counted;
  const seen = checkedByOutput(gate, files, runs, workDir, options.root, counted);
  return withCheckedFiles(id, gate, files, options, seen);
}

/**
 * `checked_files_command`: asks the tool which files it checks. Given the gate's files (`args`/`stdin`:
 * ruff's config may exclude some even when they are named, `force-exclude`), or once without files for a
 * tool that finds its own (`pass_files: none`: tsc's program is its tsconfig's include/files/exclude and
 * what they import). A given file it does not print is not checked — listed beside the verdict, never
 * cleared. A listing that fails leaves the gate unable to say what it checked: an error.
 */
async function withCheckedFiles(
  id: string,
  gate: GateConfig,
  files: readonly string[],
  options: ExecuteOptions,
  evaluation: GateEvaluation,
): Promise<GateEvaluation> {
  const command = gate.capabilities.checked_files_command;
  if (!command || files.length === 0) return evaluation;
  const plan: CommandPlan = { ...checkCommand(gate), command };
  const { runs, workDir } = await runCommand(`${id}-files`, plan, files, { ...options, logging: undefined });
  const failed = runs.find((r) => r.error || r.exitCode !== 0 || r.stdoutTruncated);
  if (failed)
    return {
      status: 'error',
      violations: evaluation.violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: `cannot tell which files ${gate.execution.command[0] ?? 'the tool'} checked: \`${command.join(' ')}\` ${failed.error ? failed.error.message : `exited with code ${failed.exitCode}`}${failed.stderr.trim() ? `\nstderr:\n${tail(failed.stderr, 10)}` : ''}`,
    };
  const listed = new Set(
    runs.flatMap((r) =>
      r.stdout
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => resolve(workDir, line.trim())),
    ),
  );
  const reason = `excluded by ${gate.execution.command[0] ?? 'the tool'}'s own config (not listed by ${command.join(' ')})`;
  const unlisted = filesNotListed(files, listed, options.root, reason);
  return withNotChecked(evaluation, withoutEmptyFiles(unlisted, options.root));
}
