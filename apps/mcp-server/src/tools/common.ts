import { relative, sep } from 'node:path';
import { z } from 'zod';
import { resolveInside } from '../paths.js';

/** A finding about an input (the `Diagnostic` of @st3/schemas). */
export const DiagnosticSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  expected: z.string().optional(),
  hint: z.string().optional(),
});

export const pathsArg = z
  .array(z.string().min(1))
  .min(1)
  .describe('files, folders (or globs for source paths), relative to the workspace root');

export const taskIdArg = z
  .string()
  .min(1)
  .describe('task id, e.g. TASK-0123, or the path of its task file (needed when two files carry the id)');

/** `agent`: who works on the task (as the CLI's `--agent`). */
export const agentArg = z
  .string()
  .min(1)
  .optional()
  .describe("the agent working on the task (default: the server's ST3_AGENT); recorded in its telemetry");

/** The agent of a tool call: `agent`, else the server's ST3_AGENT (as the CLI's `--agent`, else ST3_AGENT). */
export function agentOf(agent: string | undefined): string | undefined {
  return agent ?? (process.env.ST3_AGENT || undefined);
}

/** A workspace-relative, `/`-separated name for a path argument (refused when it leaves the root). */
export function workspacePath(root: string, path: string): string {
  return relative(root, resolveInside(root, path)).split(sep).join('/') || '.';
}

/** `{...obj}` without the keys whose value is undefined (for exactOptionalPropertyTypes-style options). */
export function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
