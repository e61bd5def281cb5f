import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GateConfig } from '@st3/schemas';
import type { ProcessResult } from '@st3/process';
import { compileConfigRegex } from '../config/regex.js';
import type { GateEvaluation } from '../parse/evaluate.js';
import { describe, parseFieldPath, readField } from '../parse/json-path.js';
import { parseJsonLenient } from '../parse/json-violations.js';

export type NotCheckedFile = { file: string; reason: string };

/**
 * The given files (relative to `root`) that `listed` (absolute paths) does not name. A tool may print
 * real paths (macOS's /var is /private/var): a file counts as listed under either form.
 */
export function filesNotListed(
  files: readonly string[],
  listed: ReadonlySet<string>,
  root: string,
  reason: string,
): NotCheckedFile[] {
  const isListed = (path: string): boolean => {
    if (listed.has(path)) return true;
    try {
      return listed.has(realpathSync.native(path));
    } catch {
      return false;
    }
  };
  return files.filter((f) => !isListed(resolve(root, f))).map((file) => ({ file, reason }));
}

/**
 * `unseen` without the files that are empty (0 bytes). A listing built from what the tool reports per file
 * (the flake8 preset's) cannot name a file with no line in it, and an empty file has nothing a tool could
 * report, so leaving it out of the listing is not a file the verdict failed to see. A file that cannot be
 * read stays unseen.
 */
export function withoutEmptyFiles(unseen: readonly NotCheckedFile[], root: string): NotCheckedFile[] {
  return unseen.filter((n) => {
    try {
      const stat = statSync(resolve(root, n.file));
      return !(stat.isFile() && stat.size === 0);
    } catch {
      return true;
    }
  });
}

/**
 * The evaluation with `unseen` added to its `notChecked` (one entry per file, sorted). A file the tool
 * reported a violation on was checked, whatever a listing says: a listing that misses it (a tool whose
 * log changed) must not turn a failed gate into a skipped one.
 */
export function withNotChecked(evaluation: GateEvaluation, unseen: readonly NotCheckedFile[]): GateEvaluation {
  const reported = new Set(evaluation.violations.map((v) => v.file));
  const missed = unseen.filter((n) => !reported.has(n.file));
  if (missed.length === 0) return evaluation;
  const byFile = new Map((evaluation.notChecked ?? []).map((n) => [n.file, n] as const));
  for (const n of missed) if (!byFile.has(n.file)) byFile.set(n.file, n);
  const notChecked = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : 1));
  return { ...evaluation, notChecked };
}

/**
 * `checked_files_pattern`: the check's own output (stdout and stderr of every run) names each file the
 * tool checked; a given file it does not name was left out by the tool's own config (ruff format's
 * `format.exclude` under `force-exclude`, which `ruff check --show-files` does not apply). The run that
 * gave the verdict is the one that says what it saw: no second process, no guess.
 */
export function checkedByOutput(
  gate: GateConfig,
  files: readonly string[],
  runs: readonly ProcessResult[],
  workDir: string,
  root: string,
  evaluation: GateEvaluation,
): GateEvaluation {
  const source = gate.capabilities.checked_files_pattern;
  if (source === undefined || files.length === 0) return evaluation;
  const pattern = compileConfigRegex(source);
  const listed = new Set<string>();
  for (const run of runs)
    for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
      const file = pattern.exec(line.trimEnd())?.groups?.file?.trim();
      if (file) listed.add(resolve(workDir, file));
    }
  const tool = gate.execution.command[0] ?? 'the tool';
  const reason = `excluded by ${tool}'s own config (its output does not name it as checked)`;
  return withNotChecked(evaluation, filesNotListed(files, listed, root, reason));
}

/**
 * `checked_count_path`: the tool's JSON output says how many of the given files it checked (pyright's
 * `summary.filesAnalyzed`: the files it tracks, i.e. those given minus its config's `exclude`; imports
 * are not counted) but not which. Fewer than it was given: a file with a reported violation was checked,
 * any other one cannot be shown to be, so it is not checked — listed, never cleared. An output without
 * the count leaves the gate unable to say what it checked: an error.
 */
export function checkedByCount(
  gate: GateConfig,
  files: readonly string[],
  runs: readonly ProcessResult[],
  evaluation: GateEvaluation,
): GateEvaluation {
  const source = gate.capabilities.checked_count_path;
  if (typeof source !== 'string' || files.length === 0) return evaluation;
  const path = parseFieldPath(source);
  const tool = gate.execution.command[0] ?? 'the tool';
  let checked = 0;
  for (const run of runs) {
    const parsed = parseJsonLenient(run.stdout);
    const count = 'value' in parsed ? readField(parsed.value, [], path) : undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
      return {
        status: 'error',
        violations: evaluation.violations,
        errorCode: 'E_GATE_OUTPUT',
        reason: `cannot tell how many files ${tool} checked: its output has no count at ${source} (found ${count === undefined ? 'nothing' : describe(count)})`,
      };
    checked += count;
  }
  if (checked >= files.length) return evaluation;
  const reason = `${tool} checked ${checked} of the ${files.length} files it was given (${source}); its own config (an exclude) leaves the others out and it does not say which`;
  return withNotChecked(
    evaluation,
    files.map((file) => ({ file, reason })),
  );
}
