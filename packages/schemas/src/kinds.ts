import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { Diagnostic, Result } from './errors/diagnostic.js';
import { loadFile, loadText, type CheckContext } from './load/load-document.js';
import { ArtifactRegistrySchema, checkArtifactRegistry } from './formats/artifacts.js';
import { AtomizeOutputSchema } from './formats/atoms.js';
import { GraphInputSchema, GraphOutputSchema } from './formats/graph.js';
import { checkPatternRegistry, PatternRegistrySchema } from './formats/patterns.js';
import { checkProjectStructure, ProjectStructureSchema } from './formats/project-structure.js';
import { QualityConfigSchema } from './formats/quality.js';
import { checkScaffoldMetadata, ScaffoldMetadataConfigSchema } from './formats/scaffold-metadata.js';
import { WorkflowStateSchema } from './formats/state.js';
import { checkTaskFile, TaskFileSchema } from './formats/task.js';
import { checkTemplateRegistry, TemplateRegistrySchema } from './formats/template-registry.js';
import { ScaffoldAnswersSchema } from './formats/scaffold-answers.js';
import {
  EvidenceIndexSchema,
  LedgerSchema,
  QuarantineEntrySchema,
  TaskContextSchema,
  TasksConfigSchema,
} from './formats/evidence.js';
import { ReviewQueueSchema, RunStateSchema } from './formats/executor.js';
import { AgentsConfigSchema, checkAgentsConfig } from './formats/agents.js';
import { ExecutorConfigSchema } from './formats/executor-config.js';
import { ExecutionTotalsSchema } from './formats/execution-metrics.js';
import { ParitySuiteConfigSchema } from './formats/parity.js';
import { MetricsRollupSchema, TaskMetricsSchema, TelemetryRecordSchema } from './formats/telemetry.js';

/**
 * One kind of ST3 file: its schema, the file names it is recognised by, and the semantic rules run
 * after the schema passes. `st3 validate` and `st3 schema export` are driven by this table.
 */
export interface KindDefinition {
  name: string;
  description: string;
  schema: z.ZodType;
  /** Tested against the file's base name; a kind without it (or `path`) is only used with `--kind`. */
  filename?: RegExp;
  /** Tested against the whole path (with `/` separators), for kinds whose base name alone is too common. */
  path?: RegExp;
  check?: (value: never, ctx: CheckContext) => Diagnostic[];
  /** `warn`: keys the schema does not declare are W_UNKNOWN_KEY warnings (configs whose every key ST3 reads). */
  unknownKeys?: 'warn';
}

function kind<T>(def: {
  name: string;
  description: string;
  schema: z.ZodType<T>;
  filename?: RegExp;
  path?: RegExp;
  check?: (value: T, ctx: CheckContext) => Diagnostic[];
  unknownKeys?: 'warn';
}): KindDefinition {
  return def as unknown as KindDefinition;
}

export const KINDS: readonly KindDefinition[] = [
  kind({
    name: 'quality',
    description: 'quality gates configuration (.st3/config/quality.yaml, version 1.1)',
    schema: QualityConfigSchema,
    filename: /^quality\.ya?ml$/i,
    unknownKeys: 'warn',
  }),
  kind({
    name: 'artifacts',
    description: 'artifact registry (.st3/config/artifacts.yaml)',
    schema: ArtifactRegistrySchema,
    filename: /^artifacts\.ya?ml$/i,
    check: checkArtifactRegistry,
  }),
  kind({
    name: 'scaffold-metadata',
    description: 'scaffold provenance header patterns (.st3/config/scaffold_metadata.yaml)',
    schema: ScaffoldMetadataConfigSchema,
    filename: /^scaffold[_-]metadata\.ya?ml$/i,
    check: checkScaffoldMetadata,
  }),
  kind({
    name: 'project-structure',
    description: 'directory policies (.st3/config/project_structure.yaml)',
    schema: ProjectStructureSchema,
    filename: /^project[_-]structure\.ya?ml$/i,
    check: checkProjectStructure,
  }),
  kind({
    name: 'template-registry',
    description: 'template version registry (.st3/template_registry.json)',
    schema: TemplateRegistrySchema,
    filename: /^template[_-]registry\.(json|ya?ml)$/i,
    check: checkTemplateRegistry,
  }),
  kind({
    name: 'scaffold-answers',
    description: 'what each generated file was rendered from (.st3/scaffold/answers.json)',
    schema: ScaffoldAnswersSchema,
    path: /(^|\/)\.st3\/scaffold\/answers\.json$/i,
  }),
  kind({
    name: 'state',
    description: 'workflow state (.st3/state.json)',
    schema: WorkflowStateSchema,
    filename: /^state\.json$/i,
  }),
  kind({
    name: 'task',
    description: 'task file (*.task.yaml, schema_version 1.0 or 1.1)',
    schema: TaskFileSchema,
    filename: /\.task\.ya?ml$/i,
    check: checkTaskFile,
  }),
  kind({
    name: 'pattern-registry',
    description: 'pattern registry (PATTERN_INDEX.yaml)',
    schema: PatternRegistrySchema,
    filename: /^pattern[_-]index\.ya?ml$/i,
    check: checkPatternRegistry,
  }),
  kind({
    name: 'tasks-config',
    description: 'task, evidence and context settings (.st3/config/tasks.yaml)',
    schema: TasksConfigSchema,
    path: /(^|\/)\.st3\/config\/tasks\.ya?ml$/i,
  }),
  kind({
    name: 'agents',
    description: 'the agents `st3 execute --agent` can use (.st3/config/agents.yaml)',
    schema: AgentsConfigSchema,
    path: /(^|\/)\.st3\/config\/agents\.ya?ml$/i,
    check: checkAgentsConfig,
  }),
  kind({
    name: 'executor-config',
    description:
      'how `st3 execute` runs by default: backend, Redis, review threshold, token prices (.st3/config/executor.yaml)',
    schema: ExecutorConfigSchema,
    path: /(^|\/)\.st3\/config\/executor\.ya?ml$/i,
  }),
  kind({
    name: 'execution-metrics',
    description: 'running totals of the execution metrics (.st3/telemetry/execution-metrics.json)',
    schema: ExecutionTotalsSchema,
    path: /(^|\/)\.st3\/telemetry\/execution-metrics\.json$/i,
  }),
  kind({
    name: 'review-queue',
    description: 'the executor review queue (.st3/review/queue.json)',
    schema: ReviewQueueSchema,
    path: /(^|\/)\.st3\/review\/queue\.json$/i,
  }),
  kind({
    name: 'run-state',
    description: 'durable state of one executor run (.st3/runs/<id>.json)',
    schema: RunStateSchema,
    path: /(^|\/)\.st3\/runs\/[^/]+\.json$/i,
  }),
  kind({
    name: 'telemetry-record',
    description: "one agent's telemetry on one task (telemetry-<agent>.json)",
    schema: TelemetryRecordSchema,
    filename: /^telemetry-.+\.json$/i,
  }),
  kind({
    name: 'task-metrics',
    description: 'aggregated telemetry of one task (metrics.json)',
    schema: TaskMetricsSchema,
  }),
  kind({ name: 'metrics-rollup', description: 'metrics across tasks', schema: MetricsRollupSchema }),
  kind({ name: 'task-context', description: 'a task context (context.json)', schema: TaskContextSchema }),
  kind({ name: 'evidence-index', description: "a task's evidence index", schema: EvidenceIndexSchema }),
  kind({ name: 'exception-ledger', description: 'the context-cache exception ledger', schema: LedgerSchema }),
  kind({
    name: 'quarantine-entry',
    description: 'one quarantined task file (<TASK-ID>.json)',
    schema: QuarantineEntrySchema,
  }),
  kind({
    name: 'parity-suite',
    description: 'a parity suite configuration (suite.yaml)',
    schema: ParitySuiteConfigSchema,
  }),
  kind({ name: 'atomize-output', description: 'output of `st3 atomize --json`', schema: AtomizeOutputSchema }),
  kind({ name: 'graph-input', description: 'a dependency graph {nodes, edges}', schema: GraphInputSchema }),
  kind({ name: 'graph-output', description: 'output of `st3 graph --json`', schema: GraphOutputSchema }),
];

export function findKind(name: string): KindDefinition | undefined {
  return KINDS.find((k) => k.name === name);
}

/**
 * The kind a path names, from its base name; undefined when no kind claims it. A `*.schema.json` file is a
 * JSON Schema (what `st3 schema export` writes), never a document of a kind, whatever its stem says
 * (`telemetry-record.schema.json` is not a telemetry record).
 */
export function inferKind(path: string): KindDefinition | undefined {
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.split('/').pop() ?? normalized;
  if (/\.schema\.json$/i.test(base)) return undefined;
  return KINDS.find((k) => k.filename?.test(base) || k.path?.test(normalized));
}

export interface KindLoadOptions {
  /** Kind name; inferred from the path when absent. */
  kind?: string;
  /** Text to load instead of reading the file (the path still names it in diagnostics). */
  text?: string;
  /** Name used for the file in diagnostics (default: the path as given). */
  file?: string;
}

export type KindResult = Result<unknown> & { kind?: string };

/** Loads a file as its kind (given or inferred). An unknown kind is an `E_KIND_UNKNOWN` error, never a throw. */
export async function loadKind(path: string, options: KindLoadOptions = {}): Promise<KindResult> {
  const file = options.file ?? path;
  const def = options.kind === undefined ? inferKind(path) : findKind(options.kind);
  if (!def) {
    if (options.text === undefined && options.kind === undefined && !(await exists(path))) {
      return {
        warnings: [],
        errors: [
          { code: 'E_FILE_NOT_FOUND', severity: 'error', file, message: 'file not found', hint: 'check the path' },
        ],
      };
    }
    const names = KINDS.map((k) => k.name).join(', ');
    const message =
      options.kind === undefined ? 'cannot tell the kind of this file from its name' : `unknown kind "${options.kind}"`;
    return {
      warnings: [],
      errors: [{ code: 'E_KIND_UNKNOWN', severity: 'error', file, message, hint: `pass --kind with one of: ${names}` }],
    };
  }
  const load = {
    file,
    schema: def.schema as z.ZodType<unknown>,
    check: def.check as ((value: unknown, ctx: CheckContext) => Diagnostic[]) | undefined,
    unknownKeys: def.unknownKeys,
  };
  const result = options.text === undefined ? await loadFile(path, load) : loadText(options.text, load);
  return { ...result, kind: def.name };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
