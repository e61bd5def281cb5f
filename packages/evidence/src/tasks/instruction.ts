import { St3Error } from '@st3/schemas';
import { loadTasksConfig } from '../config.js';
import { findTask } from './find.js';
import { validateTaskFile } from './load.js';

/**
 * The instruction an agent run takes from a task file (`st3 execute --task`, the MCP execute tool's
 * `task`): its title, description, outcome, plan steps and acceptance criteria. A task file that does not
 * validate is E_USAGE naming it.
 */
export async function taskInstruction(
  root: string,
  ref: string,
): Promise<{ id: string; file: string; instruction: string }> {
  const ws = await loadTasksConfig(root);
  const location = await findTask(root, ws.config.task_dirs, ref);
  const verdict = await validateTaskFile(location.path, location.file);
  const task = verdict.task as Record<string, unknown> | undefined;
  if (!task)
    throw new St3Error('E_USAGE', `task ${location.id} cannot be read: ${verdict.errors[0]?.message ?? 'invalid'}`, {
      file: location.file,
      hint: `st3 tasks validate ${location.file}`,
    });
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const parts = [`Task ${location.id}: ${text(task.title)}`];
  if (text(task.description)) parts.push(text(task.description));
  if (text(task.outcome)) parts.push(`Outcome: ${text(task.outcome)}`);
  const plan = Array.isArray(task.plan) ? (task.plan as Record<string, unknown>[]) : [];
  if (plan.length > 0)
    parts.push(
      `Plan:\n${plan
        .map((s) => {
          const done = list(s.definition_of_done);
          return `- ${text(s.title)}${text(s.details) ? `: ${text(s.details)}` : ''}${done.length ? ` (done when: ${done.join('; ')})` : ''}`;
        })
        .join('\n')}`,
    );
  const criteria = (task.acceptance_criteria ?? {}) as Record<string, unknown>;
  const must = [...list(criteria.must), ...list(criteria.quality_gates)];
  if (must.length > 0) parts.push(`Acceptance criteria:\n${must.map((c) => `- ${c}`).join('\n')}`);
  return { id: location.id, file: location.file, instruction: parts.join('\n\n') };
}
