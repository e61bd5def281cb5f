import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import pkg from '../package.json' with { type: 'json' };
import { errorResult } from './results.js';

export interface St3McpOptions {
  /** Workspace root: every path argument is resolved inside it, and nothing outside is read or written. */
  root: string;
  /** Where log lines go (never stdout, which carries the protocol). Default: nothing. */
  log?: (line: string) => void;
  /** Receives each tool call's promise (the stdio command waits for them before closing on end of input). */
  track?: (call: Promise<unknown>) => void;
}

/** The tools this server registers, in the order `tools/list` gives them. */
export const TOOL_NAMES = [
  'validate_files',
  'run_quality_gates',
  'atomize',
  'complexity',
  'dependency_graph',
  'scaffold_artifact',
  'list_artifact_types',
  'check_scaffolded',
  'task_show',
  'task_validate',
] as const;

const paths = z
  .array(z.string().min(1))
  .min(1)
  .describe('files, folders (or globs for source paths), relative to the workspace root');
const readOnly = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

/**
 * Wraps a tool body: each body imports its library on first call (the TypeScript compiler,
 * tree-sitter and the gate engine load only when a tool needs them), and every thrown error
 * becomes an MCP tool error with the St3Error code, message and hint.
 */
function handler<A>(
  name: string,
  options: St3McpOptions,
  body: (args: A, signal: AbortSignal) => Promise<CallToolResult>,
) {
  return (args: A, extra: { signal: AbortSignal }): Promise<CallToolResult> => {
    const call = run(args, extra);
    options.track?.(call);
    return call;
  };
  async function run(args: A, extra: { signal: AbortSignal }): Promise<CallToolResult> {
    const started = performance.now();
    try {
      const result = await body(args, extra.signal);
      options.log?.(`${name}: ${result.isError ? 'error' : 'ok'} in ${Math.round(performance.now() - started)} ms`);
      return result;
    } catch (error) {
      const result = errorResult(error);
      const first = result.content[0];
      options.log?.(`${name}: ${first?.type === 'text' ? first.text.split('\n')[0] : 'error'}`);
      return result;
    }
  }
}

/** An MCP server exposing the ST3 operations on one workspace; connect it to any transport. */
export function createSt3McpServer(options: St3McpOptions): McpServer {
  const { root } = options;
  const server = new McpServer(
    { name: 'st3', version: pkg.version },
    {
      instructions: `ST3 tools on the workspace ${root}. Paths are relative to it. Tools return a one-line summary, then a JSON document.`,
    },
  );

  server.registerTool(
    'validate_files',
    {
      title: 'Validate ST3 files',
      description:
        'Validate ST3 files (quality.yaml, artifacts.yaml, *.task.yaml, state.json, graphs, atoms...) against their schema; the kind is inferred from the file name unless given. Folders are searched for files of a known kind. Errors carry file:line:column and a hint.',
      inputSchema: {
        paths,
        kind: z.string().optional().describe('validate every file as this kind instead of inferring it'),
      },
      annotations: readOnly,
    },
    handler('validate_files', options, async (args) => (await import('./tools/validate.js')).validateFiles(root, args)),
  );

  server.registerTool(
    'run_quality_gates',
    {
      title: 'Run quality gates',
      description:
        'Run the configured quality gates (.st3/config/quality.yaml: linters, type-checkers) scoped to what changed. Returns exactly two content items: the one-line summary, then the JSON {overall_pass, summary, gates: [{id, status, violations: [{file, line, col, rule, message, severity, fixable}]}]}. isError is true when a gate failed. The baseline in .st3/state.json is not updated.',
      inputSchema: {
        scope: z
          .enum(['auto', 'branch', 'project', 'files'])
          .optional()
          .describe(
            'auto (default): changed files vs the baseline or branch; project: every file; files: the files given',
          ),
        files: z.array(z.string().min(1)).optional().describe('files to check (implies scope "files")'),
        gates: z.array(z.string().min(1)).optional().describe('gate ids to run (default: active_gates)'),
      },
      annotations: { ...readOnly, openWorldHint: false, idempotentHint: true },
    },
    handler('run_quality_gates', options, async (args, signal) =>
      (await import('./tools/gates.js')).runQualityGates(root, args, signal),
    ),
  );

  server.registerTool(
    'atomize',
    {
      title: 'Atomize source files',
      description:
        'Split TypeScript, JavaScript and Python files into measured, context-rich atoms. Returns a summary, then the JSON {files: [{path, language, loc, functions, imports, atoms: [{id, startLine, endLine, loc, complexity, kind, symbols, dependsOn, context, atomicity}]}], skipped}.',
      inputSchema: {
        paths,
        targetLoc: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('merge small sibling atoms up to this many source lines (default 10)'),
        maxLoc: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('split atoms longer than this many source lines (default 15)'),
      },
      annotations: readOnly,
    },
    handler('atomize', options, async (args, signal) =>
      (await import('./tools/atomize.js')).atomize(root, args, signal),
    ),
  );

  server.registerTool(
    'complexity',
    {
      title: 'Cyclomatic complexity',
      description:
        'Cyclomatic complexity per function, counted as ESLint (complexity) and flake8 (C901) count it. With max, only the functions above it are listed.',
      inputSchema: {
        paths,
        max: z.number().int().nonnegative().optional().describe('list only functions with a complexity above this'),
      },
      annotations: readOnly,
    },
    handler('complexity', options, async (args, signal) =>
      (await import('./tools/complexity.js')).complexity(root, args, signal),
    ),
  );

  server.registerTool(
    'dependency_graph',
    {
      title: 'Dependency graph and waves',
      description:
        'Build the dependency graph of atoms from source paths, atomizer JSON or {nodes, edges} graph files: cycles, the edges cut to break them, parallel waves and the critical path. The second content item is the graph as JSON (with waves), DOT or Mermaid.',
      inputSchema: {
        paths,
        format: z
          .enum(['json', 'dot', 'mermaid'])
          .optional()
          .describe('export format of the second content item (default json)'),
      },
      annotations: readOnly,
    },
    handler('dependency_graph', options, async (args, signal) =>
      (await import('./tools/graph.js')).dependencyGraph(root, args, signal),
    ),
  );

  server.registerTool(
    'scaffold_artifact',
    {
      title: 'Scaffold an artifact',
      description:
        'Render an artifact (dto, service, planning doc, commit message...) from its versioned template with a validated context. dryRun (default true) returns the planned files, their contents and diffs and writes nothing; dryRun false writes them (never overwriting a file with other content). See list_artifact_types for the types and their context schemas.',
      inputSchema: {
        type: z.string().min(1).describe('artifact type, e.g. dto, service, planning'),
        name: z.string().min(1).describe('the artifact name, e.g. UserProfile'),
        context: z
          .record(z.string(), z.unknown())
          .default({})
          .describe("template context, validated against the type's context schema"),
        dryRun: z.boolean().default(true).describe('plan only (default true); false writes the files'),
        language: z.enum(['ts', 'py']).optional().describe('language of code artifacts (default from the registry)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    handler('scaffold_artifact', options, async (args) =>
      (await import('./tools/scaffold.js')).scaffoldArtifact(root, args),
    ),
  );

  server.registerTool(
    'list_artifact_types',
    {
      title: 'List artifact types',
      description:
        'The artifact types the workspace can scaffold, with their languages, templates and the JSON Schema of their context.',
      annotations: readOnly,
    },
    (extra) =>
      handler('list_artifact_types', options, async () =>
        (await import('./tools/scaffold.js')).listArtifactTypes(root),
      )({}, extra),
  );

  server.registerTool(
    'check_scaffolded',
    {
      title: 'Check scaffolded files',
      description:
        'Find generated files by their provenance header and tell whether each was made by the current template version (current, outdated, unknown, malformed).',
      inputSchema: {
        paths: z.array(z.string().min(1)).optional().describe('files or folders (default: the whole workspace)'),
      },
      annotations: readOnly,
    },
    handler('check_scaffolded', options, async (args) =>
      (await import('./tools/scaffold.js')).checkScaffolded(root, args),
    ),
  );

  server.registerTool(
    'task_show',
    {
      title: 'Show a task',
      description:
        'One task file found by id (e.g. TASK-0123) in the configured task folders, parsed, with its validation verdict.',
      inputSchema: { id: z.string().min(1).describe('task id or task file name') },
      annotations: readOnly,
    },
    handler('task_show', options, async (args) => (await import('./tools/tasks.js')).taskShow(root, args)),
  );

  server.registerTool(
    'task_validate',
    {
      title: 'Validate task files',
      description:
        'Check task files: YAML with line:column, shape (schema 1.0 and 1.1) and completeness. Without paths, every task in the configured folders.',
      inputSchema: {
        paths: z
          .array(z.string().min(1))
          .optional()
          .describe('task files (default: every task in the configured folders)'),
      },
      annotations: readOnly,
    },
    handler('task_validate', options, async (args) => (await import('./tools/tasks.js')).taskValidate(root, args)),
  );

  return server;
}
