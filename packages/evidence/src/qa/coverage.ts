import { splitCommand } from '@st3/process';
import type { EvidenceEntry, QaSummary, ValidationCommand } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { readContext } from '../context/store.js';
import { readEvidenceIndex } from '../evidence/evidence-index.js';
import { parseCommands } from '../validation/task-commands.js';
import { NOT_MEASURED, qaNotMeasured } from './measured.js';
import { readRunsFile } from './runs.js';

/** Which validation commands of a task have a QA artifact (`qa_output` evidence naming them). */
export interface QaCoverage {
  task_id: string;
  expected: number;
  covered: number;
  commands: {
    id: string;
    command: string;
    covered_by: string[];
    /** Attachments naming the command whose QA run measured nothing (killed, no file checked, no test ran): no cover. */
    not_measured: { evidence_id: string; reason: string }[];
  }[];
  uncovered: string[];
  /** `qa_output` evidence that names no validation command of the task (or has no QA metadata). */
  unmatched: { evidence_id: string; command: string | null }[];
  /** How it was measured, in words. */
  source: string;
}

const words = (text: string): string[] => {
  const split = splitCommand(text);
  return split.ok ? split.argv : text.trim().split(/\s+/);
};
const sameArgv = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function argvOf(command: ValidationCommand): string[] {
  return Array.isArray(command.command) ? command.command : words(command.command);
}

/** The QA runs (`qa/runs.json`) whose log an attachment holds. */
const runsOf = (entry: EvidenceEntry, runs: readonly QaSummary[]): QaSummary[] =>
  runs.filter((r) => r.evidence_id === entry.id);

/**
 * The command lines each attachment holds the log of: its metadata's, and those of the QA runs
 * (`qa/runs.json`) pointing at it — two runs of different commands with the same log bytes share
 * one attachment (attachments dedupe by content), whose metadata names only the first.
 */
function commandsOf(entry: EvidenceEntry, runs: readonly QaSummary[]): string[] {
  const meta = entry.metadata ?? {};
  const own = typeof meta.command === 'string' ? [meta.command] : [];
  return [...own, ...runsOf(entry, runs).map((r) => r.command)];
}

/** Does a `qa_output` attachment cover this command: by `command_id`, or by the same command line? */
function covers(entry: EvidenceEntry, lines: readonly string[], command: ValidationCommand): boolean {
  if (entry.metadata?.command_id === command.id) return true;
  const argv = argvOf(command);
  return lines.some((line) => sameArgv(words(line), argv));
}

/**
 * Why an attachment measured nothing for this command, or undefined when it measured: the QA runs
 * (`qa/runs.json`) of this command that point at it all not measured, or — without such a run — its
 * metadata's headline saying so (`st3 qa record` writes both). Runs of other commands sharing the
 * attachment (the same log bytes) do not count: one that measured says nothing of this command's run.
 * Attachments of `st3 tasks run-validation` (no QA summary) are a command's output and stand as they are.
 */
function measuredNothing(
  entry: EvidenceEntry,
  runs: readonly QaSummary[],
  command: ValidationCommand,
): string | undefined {
  const argv = argvOf(command);
  const own = runsOf(entry, runs).filter((r) => sameArgv(words(r.command), argv));
  if (own.length > 0) {
    const reasons = own.map(qaNotMeasured);
    return reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
  }
  const headline = entry.metadata?.headline;
  return typeof headline === 'string' && headline.startsWith(`${NOT_MEASURED}: `)
    ? headline.slice(NOT_MEASURED.length + 2)
    : undefined;
}

/**
 * QA artifact coverage of a task: each validation command of its context is covered when a
 * `qa_output` attachment names it — by `command_id` (`st3 tasks run-validation` keeps each
 * command's output that way) or by the same command line (`st3 qa record --command`, or
 * `--meta command=…`, or any QA run recorded with that attachment's log). Attachments without QA
 * metadata or a QA run cover nothing.
 */
export async function qaCoverage(ws: EvidenceWorkspace, taskId: string): Promise<QaCoverage> {
  const context = await readContext(ws, taskId);
  const commands = parseCommands(context.validation_commands);
  const runs = await readRunsFile(contextDirFor(ws, taskId));
  // A QA run's log already attached as another type (a `log`) stays that entry (attachments dedupe by
  // content); the run points at it, so it is that run's QA artifact all the same.
  const qa = (await readEvidenceIndex(ws, taskId)).entries.filter(
    (e) => e.type === 'qa_output' || runsOf(e, runs).length > 0,
  );
  const lines = new Map(qa.map((e) => [e, commandsOf(e, runs)]));
  const rows = commands.map((c) => {
    const naming = qa.filter((e) => covers(e, lines.get(e)!, c));
    // A run that measured nothing is no artifact of the command: it never counts as coverage.
    const nothing = new Map(naming.map((e) => [e, measuredNothing(e, runs, c)]));
    return {
      id: c.id,
      command: argvOf(c).join(' '),
      covered_by: naming.filter((e) => nothing.get(e) === undefined).map((e) => e.id),
      not_measured: naming.flatMap((e) => {
        const reason = nothing.get(e);
        return reason === undefined ? [] : [{ evidence_id: e.id, reason }];
      }),
    };
  });
  const used = new Set(rows.flatMap((r) => [...r.covered_by, ...r.not_measured.map((n) => n.evidence_id)]));
  const uncovered = rows.filter((r) => r.covered_by.length === 0).map((r) => r.id);
  return {
    task_id: taskId,
    expected: rows.length,
    covered: rows.length - uncovered.length,
    commands: rows,
    uncovered,
    unmatched: qa
      .filter((e) => !used.has(e.id))
      .map((e) => ({
        evidence_id: e.id,
        command: typeof e.metadata?.command === 'string' ? e.metadata.command : null,
      })),
    source: `${rows.length} validation command(s) of ${taskId}'s context against its ${qa.length} QA artifact(s) (qa_output attachments, and logs its QA runs were recorded with)`,
  };
}
