import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runCommand, type CommandPlan } from './execute.js';
import type { GatePlan } from './plan.js';
import type { RunGatesOptions } from './run-gates.js';
import type { FixReport, GateProgress, GateRunResult } from './types.js';
import type { ResolvedScope } from '../scope/resolve-scope.js';

type RunOnce = (options: RunGatesOptions) => Promise<GateRunResult>;

/**
 * `--fix`: run the gates (state untouched), then for each gate that failed and declares
 * `capabilities.fix.command`, run the fixer on the files the gate checked (one fixer at a time: two
 * fixers must not rewrite the same file at once), then run the gates again — that run is the result and
 * the one recorded in the state — and report which files changed and how many violations went away.
 */
export async function runWithFix(options: RunGatesOptions, runOnce: RunOnce): Promise<GateRunResult> {
  const emit = options.onProgress ?? (() => undefined);
  let plans: readonly GatePlan[] = [];
  let scope: ResolvedScope | undefined;
  const first = await runOnce({
    ...options,
    fix: false,
    updateState: false,
    onProgress: (e: GateProgress) => {
      if (e.type === 'plan') plans = e.plans;
      if (e.type === 'scope') scope = e.scope;
      emit(e);
    },
  });
  const root = resolve(options.cwd);
  const toFix = plans.filter((p) => {
    const g = first.gates.find((r) => r.id === p.id);
    return g?.status === 'failed' && p.gate.capabilities.fix?.command && p.files.length > 0;
  });
  const touched = [...new Set(toFix.flatMap((p) => p.files))];
  const before = await hashFiles(root, touched);
  const fixers: FixReport['fixers'] = [];
  for (const p of toFix) {
    if (options.signal?.aborted) break;
    const fix = p.gate.capabilities.fix!;
    const plan: CommandPlan = {
      command: fix.command,
      passFiles: fix.pass_files ?? p.gate.execution.pass_files ?? 'args',
      workingDir: p.gate.execution.working_dir,
      timeoutSeconds: fix.timeout_seconds ?? p.gate.execution.timeout_seconds,
      env: p.gate.execution.env,
    };
    emit({ type: 'fix', gate: p.id, files: p.files.length });
    const { runs } = await runCommand(p.id, plan, p.files, {
      root,
      top: scope?.repoDir ?? root,
      env: options.env,
      signal: options.signal,
      commandLineBudget: options.commandLineBudget,
      now: options.now ?? (() => new Date()),
      logTag: 'fix',
    });
    const failed = runs.find((r) => r.error);
    fixers.push({
      gate: p.id,
      command: [...fix.command],
      files: p.files.length,
      exit_code: runs.at(-1)?.exitCode ?? null,
      ...(failed?.error
        ? { error: `${failed.error.message}${failed.error.hint ? ` (${failed.error.hint})` : ''}` }
        : {}),
    });
  }
  const after = await hashFiles(root, touched);
  const filesChanged = touched.filter((f) => before.get(f) !== after.get(f)).sort();
  const second = await runOnce({ ...options, fix: false });
  const fixedIds = new Set(toFix.map((p) => p.id));
  const count = (r: GateRunResult) =>
    r.gates.filter((g) => fixedIds.has(g.id)).reduce((n, g) => n + g.violations.length, 0);
  const violationsBefore = count(first);
  const violationsAfter = count(second);
  return {
    ...second,
    fix: {
      fixers,
      files_changed: filesChanged,
      violations_before: violationsBefore,
      violations_after: violationsAfter,
      fixed: Math.max(0, violationsBefore - violationsAfter),
    },
  };
}

async function hashFiles(root: string, files: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    files.map(async (f) => {
      try {
        out.set(
          f,
          createHash('sha1')
            .update(await readFile(resolve(root, f)))
            .digest('hex'),
        );
      } catch {
        out.set(f, 'missing');
      }
    }),
  );
  return out;
}
