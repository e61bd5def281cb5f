import { splitCommand } from '@st3/process';
import type { EvidenceEntry, ValidationCommand } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { readContext } from '../context/store.js';
import { readEvidenceIndex } from '../evidence/attach.js';
import { parseCommands } from '../validation/commands.js';

/** Which validation commands of a task have a QA artifact (`qa_output` evidence naming them). */
export interface QaCoverage {
  task_id: string;
  expected: number;
  covered: number;
  commands: { id: string; command: string; covered_by: string[] }[];
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

/** Does a `qa_output` attachment cover this command: by `command_id`, or by the same command line? */
function covers(entry: EvidenceEntry, command: ValidationCommand): boolean {
  const meta = entry.metadata ?? {};
  if (meta.command_id === command.id) return true;
  return typeof meta.command === 'string' && sameArgv(words(meta.command), argvOf(command));
}

/**
 * QA artifact coverage of a task: each validation command of its context is covered when a
 * `qa_output` attachment names it — by `command_id` (`st3 tasks run-validation` keeps each
 * command's output that way) or by the same command line (`st3 qa record --command`, or
 * `--meta command=…`). Attachments without QA metadata cover nothing.
 */
export async function qaCoverage(ws: EvidenceWorkspace, taskId: string): Promise<QaCoverage> {
  const context = await readContext(ws, taskId);
  const commands = parseCommands(context.validation_commands);
  const qa = (await readEvidenceIndex(ws, taskId)).entries.filter((e) => e.type === 'qa_output');
  const rows = commands.map((c) => ({
    id: c.id,
    command: argvOf(c).join(' '),
    covered_by: qa.filter((e) => covers(e, c)).map((e) => e.id),
  }));
  const used = new Set(rows.flatMap((r) => r.covered_by));
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
    source: `${rows.length} validation command(s) of ${taskId}'s context against its ${qa.length} qa_output attachment(s)`,
  };
}
