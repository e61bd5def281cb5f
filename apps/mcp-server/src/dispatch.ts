import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { St3Error } from '@st3/schemas';
import { Ajv } from 'ajv';
import { z } from 'zod';
import { canOffload, runOffloaded } from './offload.js';
import { withWorkspacePaths } from './paths.js';
import { documentResult, errorResult } from './results.js';
import type { AnyTool, ToolProgress } from './tool.js';

export interface DispatchOptions {
  root: string;
  log?: (line: string) => void;
  /** Receives each tool call's promise (the stdio command answers them all before it closes). */
  track?: (call: Promise<unknown>) => void;
  /** While a call that asked for progress runs, a progress notification at least this often (default 5000 ms). */
  heartbeatMs?: number;
  /** Run the tools marked `offload` on worker threads (default true; false runs every tool on the event loop). */
  offload?: boolean;
}

interface CallExtra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: ServerNotification) => Promise<void>;
}

/** The JSON Schema of a zod schema as `tools/list` gives it (input: what may be sent; output: what comes back). */
export function toolJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  return z.toJSONSchema(schema, { io, target: 'draft-7' }) as Tool['inputSchema'];
}

/** The `tools/list` entry of a tool. */
export function listing(tool: AnyTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    // additionalProperties: false — an argument not listed is refused (refuseUnknownArguments).
    inputSchema: toolJsonSchema(z.strictObject(tool.input.shape), 'input'),
    outputSchema: toolJsonSchema(tool.output, 'output') as Tool['outputSchema'],
    annotations: { title: tool.title, ...tool.annotations },
  };
}

/**
 * Serves `tools/list` and `tools/call` for the given tools on a low-level SDK server. The tools are
 * dispatched here rather than through `McpServer.registerTool` so that every outcome — bad arguments,
 * a thrown error, a result that breaks its own schema — keeps the two-item result rule of results.ts.
 */
export function installTools(server: Server, tools: readonly AnyTool[], options: DispatchOptions): void {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listed = tools.map(listing);
  const ajv = new AjvJsonSchemaValidator();
  const validators = new Map<string, JsonSchemaValidator<unknown>>();
  const validatorOf = (tool: AnyTool, schema: Tool['outputSchema']) => {
    let v = validators.get(tool.name);
    if (!v) validators.set(tool.name, (v = ajv.getValidator(schema as JsonSchemaType)));
    return v;
  };
  // The SDK's validator (the one clients use) decides; on a mismatch, name every offending field.
  const explain = (schema: Tool['outputSchema'], doc: unknown, fallback?: string) =>
    describeMismatch(schema, doc) ?? fallback;

  server.registerCapabilities({ tools: { listChanged: false } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    const schema = listed.find((l) => l.name === tool.name)!.outputSchema;
    const call = callTool(tool, request.params.arguments, extra, options, (doc) => {
      const r = validatorOf(tool, schema)(doc);
      return r.valid ? r : { valid: false, errorMessage: explain(schema, doc, r.errorMessage) };
    });
    options.track?.(call);
    return call;
  });
}

async function callTool(
  tool: AnyTool,
  rawArgs: unknown,
  extra: CallExtra,
  options: DispatchOptions,
  validate: (doc: unknown) => { valid: boolean; errorMessage?: string },
): Promise<CallToolResult> {
  const started = performance.now();
  const progress = progressReporter(extra, options.heartbeatMs ?? 5000, started);
  const offloaded = tool.offload === true && options.offload !== false && canOffload();
  let result: CallToolResult;
  try {
    refuseUnknownArguments(tool, rawArgs);
    const args = tool.input.safeParse(rawArgs ?? {});
    if (!args.success)
      throw new St3Error('E_USAGE', `invalid arguments for ${tool.name}: ${describeIssues(args.error)}`, {
        hint: `see the inputSchema of ${tool.name} in tools/list`,
      });
    const ctx = { root: options.root, signal: extra.signal, progress: progress.report };
    const value = await (offloaded ? runOffloaded(tool, args.data, ctx) : tool.run(args.data, ctx));
    // The JSON text and structuredContent are the same document (undefined fields dropped, dates as strings).
    const document = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    const check = validate(document);
    if (!check.valid)
      throw new St3Error(
        'E_INTERNAL',
        `the result of ${tool.name} does not match its outputSchema: ${check.errorMessage}`,
        {
          hint: 'this is a bug in ST3; please report it with the tool call',
        },
      );
    const failed = tool.failed?.(value) ?? false;
    // `ok` is the verdict an agent reads first: it must say what isError says (a bug otherwise).
    if ('ok' in document && document.ok !== !failed)
      throw new St3Error(
        'E_INTERNAL',
        `the result of ${tool.name} says ok: ${String(document.ok)} but its check ${failed ? 'failed' : 'passed'}`,
        {
          hint: 'this is a bug in ST3; please report it with the tool call',
        },
      );
    result = documentResult(tool.summary(value), document, failed);
  } catch (error) {
    // Libraries name files absolutely; a tool's error names them from the workspace root, as its results do.
    result = errorResult(withWorkspacePaths(options.root, error));
  } finally {
    progress.stop();
  }
  const ms = Math.round(performance.now() - started);
  const first = result.content[0];
  const text = first?.type === 'text' ? first.text.split('\n')[0] : '';
  options.log?.(
    `${tool.name}: ${result.structuredContent ? (result.isError ? 'problems found' : 'ok') : text} in ${ms} ms${offloaded ? ' (worker thread)' : ''}`,
  );
  return result;
}

let detailed: Ajv | undefined;

/** Every place a document breaks its schema, with the names of unexpected fields (`/gates/0: unexpected "scope"`). */
function describeMismatch(schema: Tool['outputSchema'], doc: unknown): string | undefined {
  detailed ??= new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = detailed.compile(schema as object);
  if (validate(doc)) return undefined;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const where = e.instancePath || '/';
    const params = e.params as { additionalProperty?: string };
    seen.add(
      params.additionalProperty
        ? `${where}: unexpected "${params.additionalProperty}"`
        : `${where}: ${e.message ?? 'invalid'}`,
    );
  }
  return [...seen].slice(0, 10).join('; ');
}

/**
 * An argument the tool does not take is E_USAGE, as the CLI refuses an unknown option: dropping it
 * would answer another question than the one asked (a misspelt `max` would pass every function).
 */
function refuseUnknownArguments(tool: AnyTool, rawArgs: unknown): void {
  if (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs)) return;
  const known = Object.keys(tool.input.shape as Record<string, unknown>);
  const unknown = Object.keys(rawArgs).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  throw new St3Error(
    'E_USAGE',
    `invalid arguments for ${tool.name}: unknown argument${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}`,
    {
      hint: `${tool.name} takes ${known.length > 0 ? known.join(', ') : 'no arguments'} (see its inputSchema in tools/list)`,
    },
  );
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`)
    .join('; ');
}

/**
 * `notifications/progress` for a call whose request carried a progress token (none otherwise). Values
 * sent always increase, as the protocol requires: a report not above the last value is dropped, and
 * the heartbeat (which keeps a client's request timeout from firing during one long step) moves
 * halfway to the next whole unit.
 */
function progressReporter(extra: CallExtra, heartbeatMs: number, started: number) {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { report: () => undefined, stop: () => undefined };
  let last = -1;
  let total: number | undefined;
  const send = (progress: number, message?: string) => {
    if (!(progress > last) || extra.signal.aborted) return;
    last = progress;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress,
          ...(total !== undefined ? { total } : {}),
          ...(message ? { message } : {}),
        },
      })
      .catch(() => undefined);
  };
  const timer = setInterval(() => {
    const next = last < 0 ? 0 : last + (Math.floor(last) + 1 - last) / 2;
    send(next, `still running after ${Math.round((performance.now() - started) / 1000)} s`);
  }, heartbeatMs);
  timer.unref();
  return {
    report: (step: ToolProgress) => {
      if (step.total !== undefined) total = step.total;
      send(step.progress, step.message);
    },
    stop: () => clearInterval(timer),
  };
}
