import { relative, sep } from 'node:path';
import { isSt3Error, St3Error, type Diagnostic } from '@st3/schemas';
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

/**
 * `fn`, with the hint of its St3Error of `code` replaced by `hint`: a library's hint names the CLI's
 * flags (`--force`), which a tool takes as arguments under other names, or not at all.
 */
export async function withToolHint<T>(code: string, hint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isSt3Error(error) || error.code !== code) throw error;
    const { file, line, column, diagnostics, details } = error;
    throw new St3Error(code, error.message, {
      ...defined({ file, line, column, details }),
      diagnostics,
      hint,
      cause: error,
    });
  }
}

/** E_DIRTY_TREE's hint in the terms of the task tools (the CLI's says --allow-preexisting-dirty). */
export const DIRTY_TREE_HINT =
  'commit or stash them, or pass allowPreexistingDirty: true to record them in the snapshot';

/** `{...obj}` without the keys whose value is undefined (for exactOptionalPropertyTypes-style options). */
export function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** Bounds the recursion of `UndeclaredFields` (a result's documents are a few levels deep). */
type Deeper = [never, 0, 1, 2, 3, 4, 5, 6];
type KeysOf<T> = T extends unknown ? keyof T : never;
type FieldOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * The field paths (`.summary.worstAtoms[].name`) of `Lib`, what a library returns, that `Out`, the tool's
 * output (`z.output` of its schema), does not declare — objects, unions and arrays of them, a few levels
 * deep. A field of `unknown` or of a record in `Out` declares everything under it.
 */
export type UndeclaredFields<Lib, Out, At extends string = '', D extends number = 6> = [D] extends [never]
  ? never
  : unknown extends Out
    ? never
    : Lib extends readonly (infer L)[]
      ? Out extends readonly (infer O)[]
        ? UndeclaredFields<L, O, `${At}[]`, Deeper[D]>
        : never
      : Lib extends object
        ? {
            [K in keyof Lib & string]-?: K extends KeysOf<Out>
              ? UndeclaredFields<NonNullable<Lib[K]>, NonNullable<FieldOf<Out, K>>, `${At}.${K}`, Deeper[D]>
              : `${At}.${K}`;
          }[keyof Lib & string]
        : never;

/** `true` when the output declares every field of `Lib`; else the fields it lacks (so `declares` fails tsc). */
export type Declares<Out, Lib> = [UndeclaredFields<Lib, Out>] extends [never]
  ? true
  : { undeclared: UndeclaredFields<Lib, Out> };

/**
 * A compile-time check that a hand-written output schema declares every field a library returns: the
 * server refuses a result with an undeclared field (E_INTERNAL), and a spread `{ ok, ...report }` has no
 * excess-property check, so a field the library adds would otherwise break the tool only at run time.
 * Call as `declares<z.output<typeof Schema>, LibraryType>(true)`; tsc names the fields missing.
 */
export function declares<Out, Lib>(_all: Declares<Out, Lib>): void {}

/** The result document of a tool (`z.output` of its output schema). */
export type OutputOf<T extends { output: z.ZodType }> = z.output<T['output']>;

/** What a library function resolves to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function
export type Result<F extends (...args: any[]) => unknown> = Awaited<ReturnType<F>>;

// Every tool's `warnings`/`errors` carry the library's diagnostics whole.
declares<z.output<typeof DiagnosticSchema>, Diagnostic>(true);
