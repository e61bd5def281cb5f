import type * as QualityGates from '@st3/quality-gates';
import { join } from 'node:path';
import { GateRunResultSchema, St3Error, type QualityConfig, type TestsConfig } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { workspacePath, declares, type OutputOf, type Result } from './common.js';

/** quality.yaml (or the `config` given, a workspace path) with its warnings, as `st3 gates list` and `st3 test` load it. */
async function loadConfig(
  root: string,
  config?: string,
): Promise<{ path: string; config: QualityConfig; warnings: string[] }> {
  const { requireQualityConfig, QUALITY_CONFIG_PATH } = await import('@st3/quality-gates');
  const { formatDiagnostic } = await import('@st3/schemas/errors');
  const path = config === undefined ? QUALITY_CONFIG_PATH : workspacePath(root, config);
  const loaded = await requireQualityConfig(join(root, path), {
    display: path,
    missingHint: config === undefined ? 'run the init_gates tool (st3 gates init)' : `${path} does not exist`,
  });
  // As planWarnings words them: each is in `warnings` already, so without the diagnostic's own label.
  return {
    path,
    config: loaded.config,
    warnings: loaded.warnings.map((d) => formatDiagnostic({ ...d, severity: 'error' })),
  };
}

const configInput = z
  .string()
  .min(1)
  .optional()
  .describe('the quality config to use, a workspace path (default .st3/config/quality.yaml), as `st3 gates --config`');

/** The gates a run takes, as `st3 gates run` and `--dry-run` read their arguments (files, scope, parent). */
function gateRunRequest(
  root: string,
  args: { scope?: 'auto' | 'branch' | 'project' | 'files'; files?: string[]; parent?: string; config?: string },
) {
  // `files: []` names nothing: never read as "no files given" (the auto scope), which would check something else.
  if (args.files !== undefined && args.files.length === 0)
    throw new St3Error('E_USAGE', 'files is empty: it names no file (nothing was run)', {
      hint: 'pass files: ["src/a.ts", ...], or leave files out for the auto scope',
    });
  const files = (args.files ?? []).map((f) => workspacePath(root, f));
  const scope = args.scope ?? (files.length > 0 ? 'files' : 'auto');
  if (scope === 'files' && files.length === 0)
    throw new St3Error('E_USAGE', 'scope "files" needs files', {
      hint: 'pass files: ["src/a.ts", ...] or another scope',
    });
  if (scope !== 'files' && files.length > 0)
    throw new St3Error('E_USAGE', `files were given with scope "${scope}"`, {
      hint: 'drop scope or use scope "files"',
    });
  // As `st3 gates --parent`: parent only names the branch of scope "branch"; ignored elsewhere, it would check something else.
  if (args.parent !== undefined && scope !== 'branch')
    throw new St3Error('E_USAGE', `parent goes with scope "branch" (the scope is ${scope})`, {
      hint: `add scope: "branch" to check the changes since the merge base with ${args.parent}`,
    });
  return {
    scope: { kind: scope, files, filesBase: root, ...(args.parent ? { parentBranch: args.parent } : {}) },
    // As `st3 gates --config`: another quality.yaml, inside the workspace.
    ...(args.config !== undefined ? { config: join(root, workspacePath(root, args.config)) } : {}),
  };
}

const scopeInputs = {
  scope: z
    .enum(['auto', 'branch', 'project', 'files'])
    .optional()
    .describe(
      'auto (default): changed since the last green run plus failed files; branch: vs the parent branch; project: every file; files: the files given',
    ),
  files: z.array(z.string().min(1)).optional().describe('files to check (implies scope "files")'),
  gates: z.array(z.string().min(1)).optional().describe('gate ids to run (default: active_gates)'),
  parent: z
    .string()
    .min(1)
    .optional()
    .describe(
      'parent branch for scope "branch" only (default: project_scope.parent_branch, state, then main); one that does not exist is E_USAGE',
    ),
  config: configInput,
};

export const runQualityGatesTool = defineTool({
  name: 'run_quality_gates',
  title: 'Run quality gates',
  area: 'gates',
  cli: 'st3 gates run',
  description:
    'Run the configured quality gates (.st3/config/quality.yaml: linters, type-checkers) scoped to what changed, and record the outcome in .st3/state.json exactly as `st3 gates` does (baseline and failed files). Returns the summary, then {overall_pass, summary, gates: [{id, status, violations: [{file, line, col, rule, message, severity, fixable}]}]}. isError when a gate failed. fix runs the fix commands of failing gates first; new_only holds the line (pre-existing violations do not fail). Sends progress per gate when asked.',
  input: z.object({
    ...scopeInputs,
    fix: z
      .boolean()
      .default(false)
      .describe("run each failing gate's fix command on its files, then the gates again; `fix` says what changed"),
    new_only: z
      .boolean()
      .default(false)
      .describe('report only violations on lines changed since the baseline; the others are counted as pre-existing'),
    no_state: z
      .boolean()
      .default(false)
      .describe(
        'leave .st3/state.json as it is (no baseline move, no failed files recorded), as `st3 gates --no-state`',
      ),
    concurrency: z.number().int().min(1).optional().describe('gates at the same time (default 4)'),
  }),
  // `ok` (the verdict, `overall_pass`) besides `st3 gates --json`'s document: every tool's result has one.
  output: GateRunResultSchema.extend({ ok: z.boolean(), warnings: z.array(z.string()) }),
  annotations: { ...WRITES, idempotentHint: true },
  async run(args, { root, signal, progress }) {
    const request = gateRunRequest(root, args);
    const { runGates } = await import('@st3/quality-gates');
    let started = 0;
    let ended = 0;
    // What `st3 gates` prints on stderr (quality.yaml's warnings, a scope it could not resolve fully).
    const warnings: string[] = [];
    const result = await runGates({
      cwd: root,
      ...request,
      ...(args.gates && args.gates.length > 0 ? { gates: args.gates } : {}),
      signal,
      fix: args.fix,
      newOnly: args.new_only,
      updateState: !args.no_state,
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      onProgress(e) {
        if (e.type === 'warning') warnings.push(e.message);
        else if (e.type === 'gate-start')
          progress({ progress: ++started + ended, message: `${e.id}: running on ${plural(e.files, 'file')}` });
        else if (e.type === 'gate-end' && !e.gate.skipped)
          progress({ progress: started + ++ended, message: `${e.gate.id}: ${e.gate.status}` });
        else if (e.type === 'fix')
          progress({ progress: started + ended + 0.5, message: `${e.gate}: fixing ${plural(e.files, 'file')}` });
      },
    });
    return { ok: result.overall_pass, ...result, warnings };
  },
  summary: (r) => `${r.summary}${r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : ''}`,
  failed: (r) => !r.ok,
});

export const planQualityGatesTool = defineTool({
  name: 'plan_quality_gates',
  title: 'Plan a quality-gate run',
  area: 'gates',
  cli: 'st3 gates run --dry-run',
  description:
    "What run_quality_gates would check and why, running nothing and changing nothing (not even the config cache): the scope, then per gate its mode (project, files or skip), its files and the reason — the document of `st3 gates run --dry-run --json`, with quality.yaml's warnings in `warnings`.",
  input: z.object(scopeInputs),
  output: z.object({
    ok: z.literal(true),
    scope: z.object({
      kind: z.string(),
      mode: z.string(),
      description: z.string(),
      base: z.string().optional(),
      head: z.string().optional(),
      changed: z.array(z.string()).optional(),
      deleted: z.array(z.string()).optional(),
      unverified: z.array(z.string()).optional(),
    }),
    gates: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        mode: z.enum(['project', 'files', 'skip']),
        files: z.array(z.string()),
        reason: z.string(),
        sound: z.boolean(),
      }),
    ),
    warnings: z.array(z.string()),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { planGateRun, gatePlanDocument, planWarnings } = await import('@st3/quality-gates/plan');
    const plan = await planGateRun({
      cwd: root,
      ...gateRunRequest(root, args),
      ...(args.gates && args.gates.length > 0 ? { gates: args.gates } : {}),
      cacheConfig: 'read-only',
    });
    return { ok: true as const, ...gatePlanDocument(plan), warnings: planWarnings(plan) };
  },
  summary: (r) => {
    const run = r.gates.filter((g) => g.mode !== 'skip');
    const files = new Set(run.flatMap((g) => g.files)).size;
    return `${r.scope.description}: ${plural(run.length, 'gate')} would run on ${plural(files, 'file')}${r.gates.length > run.length ? `, ${r.gates.length - run.length} skipped` : ''}${r.warnings.length > 0 ? `; ${plural(r.warnings.length, 'warning')}` : ''} (nothing was run)`;
  },
});

export const listGatesTool = defineTool({
  name: 'list_gates',
  title: 'List the quality gates',
  area: 'gates',
  cli: 'st3 gates list',
  description:
    "The gates configured in .st3/config/quality.yaml (or `config`): whether each is active, its file types, parser and command; the config's warnings in `warnings`.",
  input: z.object({ config: configInput }),
  output: z.object({
    ok: z.literal(true),
    config: z.string(),
    gates: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        active: z.boolean(),
        file_types: z.array(z.string()),
        parsing_strategy: z.string(),
        command: z.array(z.string()),
        supports_autofix: z.boolean(),
        scope_mode: z.string(),
        fix: z.array(z.string()).nullable(),
      }),
    ),
    warnings: z.array(z.string()),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { path, config, warnings } = await loadConfig(root, args.config);
    const { listConfiguredGates } = await import('@st3/quality-gates');
    return { ok: true as const, config: path, gates: listConfiguredGates(config), warnings };
  },
  summary: (r) =>
    `${r.gates.filter((g) => g.active).length} active of ${plural(r.gates.length, 'gate')}: ${r.gates.map((g) => g.id).join(', ')}`,
});

export const initGatesTool = defineTool({
  name: 'init_gates',
  title: 'Write the quality config',
  area: 'gates',
  cli: 'st3 gates init',
  description:
    'Write .st3/config/quality.yaml (and its JSON Schema beside it) from the shipped presets: the ones given, or those detected for the workspace (tsconfig.json, package.json, pyproject.toml...), and add .st3/logs/ and .st3/state.json to .gitignore (creating it if needed) — the same code and document as `st3 gates init --json`. Refuses to overwrite an existing config unless force is set.',
  input: z.object({
    presets: z
      .array(z.string().min(1))
      .optional()
      .describe('preset ids (eslint, tsc, biome, oxlint, ruff, flake8, mypy, pyright); default: detected'),
    force: z.boolean().default(false).describe('overwrite an existing quality.yaml'),
  }),
  output: z.object({
    ok: z.literal(true),
    path: z.string(),
    presets: z.array(z.string()),
    reasons: z.record(z.string(), z.string()),
    gitignore: z.object({ added: z.array(z.string()), created: z.boolean() }),
  }),
  annotations: { ...WRITES, destructiveHint: true },
  async run(args, { root }) {
    const { initQualityConfig, QUALITY_CONFIG_PATH } = await import('@st3/quality-gates');
    const result = await initQualityConfig(root, {
      ...(args.presets ? { presets: args.presets } : {}),
      force: args.force,
      display: QUALITY_CONFIG_PATH,
      hints: { force: 'pass force: true to overwrite it', presets: 'pass presets for the tools you use' },
    });
    const { presets, reasons, gitignore } = result;
    return { ok: true as const, path: QUALITY_CONFIG_PATH, presets, reasons, gitignore };
  },
  summary: (r) =>
    `wrote ${r.path} with ${plural(r.presets.length, 'gate')}: ${r.presets.join(', ')}${r.gitignore.added.length > 0 ? `; ${r.gitignore.created ? 'created' : 'updated'} .gitignore: ${r.gitignore.added.join(', ')}` : ''}`,
});

export const runTestsTool = defineTool({
  name: 'run_tests',
  title: 'Run the tests',
  area: 'gates',
  cli: 'st3 test',
  description:
    'Run the test command of the `tests` section of quality.yaml (vitest, jest or pytest), or the `command` given with its `format`, and report passed, failed and skipped tests with each failure, as `st3 test` does. isError when a test failed or the command did not run.',
  input: z.object({
    config: configInput,
    command: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('run this test command instead of the configured one (needs format), as `st3 test -- CMD...`'),
    format: z.enum(['vitest', 'jest', 'pytest']).optional().describe('the report format of `command`'),
    report: z
      .string()
      .min(1)
      .optional()
      .describe('where `command` writes its report, a workspace path (default: its stdout)'),
  }),
  output: z.object({
    warnings: z.array(z.string()),
    ok: z.boolean(),
    summary: z.string(),
    duration_ms: z.number(),
    exit_code: z.number().nullable(),
    total: z.number(),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    failures: z.array(
      z.object({ name: z.string(), file: z.string().optional(), line: z.number().optional(), message: z.string() }),
    ),
  }),
  annotations: { ...READ_ONLY, idempotentHint: false, openWorldHint: true },
  async run(args, { root, signal, progress }) {
    const { requireTestsConfig, runTests } = await import('@st3/quality-gates');
    let tests: TestsConfig;
    let warnings: string[] = [];
    if (args.command) {
      if (args.format === undefined)
        throw new St3Error('E_USAGE', 'command needs its format', { hint: 'add format: vitest, jest or pytest' });
      if (args.config !== undefined)
        throw new St3Error('E_USAGE', 'config goes without command (the command given replaces the configured one)', {
          hint: 'drop config, or drop command to run the configured tests',
        });
      tests = {
        command: args.command,
        format: args.format,
        ...(args.report !== undefined ? { report_file: workspacePath(root, args.report) } : {}),
      };
    } else {
      // Not silently dropped: they describe a command, and the config's own would be used instead.
      if (args.format !== undefined || args.report !== undefined)
        throw new St3Error('E_USAGE', 'format and report go with command (the configured tests have their own)', {
          hint: 'add command, or drop format and report',
        });
      const loaded = await loadConfig(root, args.config);
      warnings = loaded.warnings;
      tests = requireTestsConfig(loaded.config, loaded.path, 'pass command and format');
    }
    progress({ progress: 0, message: `running ${tests.command.join(' ')}` });
    return { ...(await runTests({ cwd: root, config: tests, signal })), warnings };
  },
  summary: (r) => r.summary,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof listGatesTool>['gates'][number], ReturnType<typeof QualityGates.listConfiguredGates>[number]>(
  true,
);
declares<OutputOf<typeof initGatesTool>['gitignore'], Result<typeof QualityGates.initQualityConfig>['gitignore']>(true);
declares<OutputOf<typeof runQualityGatesTool>, Result<typeof QualityGates.runGates>>(true);
declares<OutputOf<typeof runTestsTool>, Result<typeof QualityGates.runTests>>(true);
