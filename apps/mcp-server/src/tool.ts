import type { z } from 'zod';

/** The areas of ST3, in the order the README and `tools/list` group the tools. */
export const TOOL_AREAS = ['core', 'gates', 'scaffold', 'atoms', 'execute', 'tasks', 'metrics'] as const;
export type ToolArea = (typeof TOOL_AREAS)[number];

/** One step of long work; the server turns it into `notifications/progress` when the client asked for them. */
export interface ToolProgress {
  /** Units done so far (gates finished, files atomized...); only values above the last one sent are sent. */
  progress: number;
  total?: number;
  message?: string;
}

/** What a tool's handler gets besides its arguments. */
export interface ToolContext {
  /** The workspace root (absolute); every path argument is resolved inside it. */
  root: string;
  /** Aborted when the client cancels the call (`notifications/cancelled`) or the connection closes. */
  signal: AbortSignal;
  /** Reports progress (a no-op unless the request carried a progress token). */
  progress: (step: ToolProgress) => void;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * One MCP tool, declared once: the listing (`inputSchema`, `outputSchema`), the README table and
 * the call handler are all generated from it.
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  area: ToolArea;
  description: string;
  /** The CLI verb this tool mirrors (`st3 gates run`), for the README. */
  cli: string;
  /** Arguments; defaults are applied before `run` sees them. */
  input: I;
  /** The result document: `structuredContent`, and the JSON text of the second content item. */
  output: O;
  annotations: ToolAnnotations;
  /** The one-line summary of a result (the first content item). */
  summary: (result: z.output<O>) => string;
  /**
   * True when the check this tool runs found problems (a gate failed, a file is invalid): the result
   * is still the full document, flagged `isError` so an agent cannot miss it. Absent: never.
   */
  failed?: (result: z.output<O>) => boolean;
  /** Calls the library; throws an St3Error for failures of the tool itself. */
  run: (args: z.output<I>, ctx: ToolContext) => Promise<z.output<O>>;
  /**
   * CPU-heavy (graph analysis, plan validation, parsing many files): `run` goes to a worker thread of
   * the server's pool so that the event loop keeps answering other requests (offload.ts).
   */
  offload?: boolean;
}

/** Any tool, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;

/** Declares a tool; the identity function that keeps the input, output and handler types tied together. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  def: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return def;
}

export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Writes only ST3's own records under `.st3/` (or files the caller named), never deletes user files. */
export const WRITES: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
