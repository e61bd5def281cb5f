import { posix } from 'node:path';
import {
  diagnosticAt,
  loadFile,
  PlanSpecSchema,
  type AtomizedFile,
  type Diagnostic,
  type PlanSpec,
  type Result,
} from '@st3/schemas';

/** A glob (`*` within a folder, `**` across folders, `?` one character) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${out}$`);
}

/**
 * The `group` option of `validatePlan` from a plan: a file belongs to the first task whose `files`
 * match it; unclaimed files stay tasks of their own in the milestone of their folder.
 */
export function groupFromPlan(spec: PlanSpec): (file: AtomizedFile) => { task: string; milestone: string } {
  const rules = spec.milestones.flatMap((m) =>
    m.tasks.map((t) => ({ milestone: m.id, task: t.id, patterns: t.files.map(globToRegExp) })),
  );
  return (file) => {
    const path = file.path.replace(/\\/g, '/');
    const rule = rules.find((r) => r.patterns.some((p) => p.test(path)));
    return rule ? { task: rule.task, milestone: rule.milestone } : { task: path, milestone: posix.dirname(path) };
  };
}

/** Reads a plan file (YAML or JSON) with line:column diagnostics; task and milestone ids must be unique. */
export async function loadPlanSpec(path: string, file = path): Promise<Result<PlanSpec>> {
  return loadFile(path, {
    file,
    schema: PlanSpecSchema,
    check(spec, ctx) {
      const out: Diagnostic[] = [];
      const seen = new Set<string>();
      spec.milestones.forEach((m, i) => {
        m.tasks.forEach((t, j) => {
          if (seen.has(t.id)) {
            out.push(
              diagnosticAt(ctx, ['milestones', i, 'tasks', j, 'id'], {
                code: 'E_SCHEMA',
                message: `task id "${t.id}" is used twice`,
                hint: 'give every task a unique id',
              }),
            );
          }
          seen.add(t.id);
        });
      });
      return out;
    },
  });
}
