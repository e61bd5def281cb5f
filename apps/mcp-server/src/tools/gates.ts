import type * as QualityGates from '@st3/quality-gates';
import { join } from 'node:path';
import { GateRunResultSchema, St3Error, type QualityConfig } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { workspacePath, declares, type OutputOf, type Result } from './common.js';

async function loadConfig(root: string): Promise<{ path: string; config: QualityConfig }> {
  const { requireQualityConfig, QUALITY_CONFIG_PATH } = await import('@st3/quality-gates');
  const { config } = await requireQualityConfig(join(root, QUALITY_CONFIG_PATH), {
    display: QUALITY_CONFIG_PATH,
    missingHint: 'run the init_gates tool (st3 gates init)',
  });
  return { path: QUALITY_CONFIG_PATH, config };
}

export const runQualityGatesTool = defineTool({
  name: 'run_quality_gates',
  title: 'Run quality gates',
  area: 'gates',
  cli: 'st3 gates run',
  description:
    'Run the configured quality gates (.st3/config/quality.yaml: linters, type-checkers) scoped to what changed, and record the outcome in .st3/state.json exactly as `st3 gates` does (baseline and failed files). Returns the summary, then {overall_pass, summary, gates: [{id, status, violations: [{file, line, col, rule, message, severity, fixable}]}]}. isError when a gate failed. fix runs the fix commands of failing gates first; new_only holds the line (pre-existing violations do not fail). Sends progress per gate when asked.',
  input: z.object({
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
    fix: z
      .boolean()
      .default(false)
      .describe("run each failing gate's fix command on its files, then the gates again; `fix` says what changed"),
    new_only: z
      .boolean()
      .default(false)
      .describe('report only violations on lines changed since the baseline; the others are counted as pre-existing'),
  }),
  // `ok` (the verdict, `overall_pass`) besides `st3 gates --json`'s document: every tool's result has one.
  output: GateRunResultSchema.extend({ ok: z.boolean() }),
  annotations: { ...WRITES, idempotentHint: true },
  async run(args, { root, signal, progress }) {
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
    const { runGates } = await import('@st3/quality-gates');
    let started = 0;
    let ended = 0;
    const result = await runGates({
      cwd: root,
      scope: { kind: scope, files, filesBase: root, ...(args.parent ? { parentBranch: args.parent } : {}) },
      ...(args.gates && args.gates.length > 0 ? { gates: args.gates } : {}),
      signal,
      fix: args.fix,
      newOnly: args.new_only,
      onProgress(e) {
        if (e.type === 'gate-start')
          progress({ progress: ++started + ended, message: `${e.id}: running on ${plural(e.files, 'file')}` });
        else if (e.type === 'gate-end' && !e.gate.skipped)
          progress({ progress: started + ++ended, message: `${e.gate.id}: ${e.gate.status}` });
        else if (e.type === 'fix')
          progress({ progress: started + ended + 0.5, message: `${e.gate}: fixing ${plural(e.files, 'file')}` });
      },
    });
    return { ok: result.overall_pass, ...result };
  },
  summary: (r) => r.summary,
  failed: (r) => !r.ok,
});

export const listGatesTool = defineTool({
  name: 'list_gates',
  title: 'List the quality gates',
  area: 'gates',
  cli: 'st3 gates list',
  description:
    'The gates configured in .st3/config/quality.yaml: whether each is active, its file types, parser and command.',
  input: z.object({}),
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
  }),
  annotations: READ_ONLY,
  async run(_args, { root }) {
    const { path, config } = await loadConfig(root);
    const { listConfiguredGates } = await import('@st3/quality-gates');
    return { ok: true as const, config: path, gates: listConfiguredGates(config) };
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
    'Run the test command of the `tests` section of quality.yaml (vitest, jest or pytest) and report passed, failed and skipped tests with each failure. isError when a test failed or the command did not run.',
  input: z.object({}),
  output: z.object({
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
  async run(_args, { root, signal, progress }) {
    const { path, config } = await loadConfig(root);
    const { requireTestsConfig, runTests } = await import('@st3/quality-gates');
    const tests = requireTestsConfig(config, path);
    progress({ progress: 0, message: `running ${tests.command.join(' ')}` });
    return runTests({ cwd: root, config: tests, signal });
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
