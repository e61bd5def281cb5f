import type { Diagnostic, ScaffoldAnswer, ScaffoldMetadataConfig, TelemetryHandle } from '@st3/schemas';
import type { ContextSource } from './context-source.js';
import type { PlannedInjection } from './inject.js';
import type { PlacementPolicy } from './placement.js';
import type { Pipeline } from './pipeline.js';
import type { Language } from './registry.js';
import type { TemplateEngine, TemplateStore } from './templates/store.js';

export interface ScaffolderOptions {
  /** Root holding `.st3/`; omit for the built-ins only. */
  workspace?: string;
  /** Default pipeline when a call does not say (the CLI fills it from ST3_SCHEMA_FIRST). */
  schemaFirst?: boolean;
  /** Default language of code artifacts. */
  language?: Language;
  /** An artifact registry file other than `.st3/config/artifacts.yaml` (the CLI's --config). */
  registryFile?: string;
  /** A project structure file other than `project_structure.yaml` beside the registry (or in `.st3/config/`). */
  projectStructureFile?: string;
  /** Where `.jinja2` templates named by `template_path` live (default: `template_root:` of the registry, else `.st3/templates`). */
  templateRoot?: string;
  now?: () => Date;
  /** Receives `scaffolder.artifacts{type}` and `scaffolder.files{type}` counters and the `scaffolder.render_ms{type}` histogram per render. */
  telemetry?: TelemetryHandle;
}

export interface RenderRequest {
  type: string;
  name: string;
  context?: Record<string, unknown>;
  /**
   * The file the context (or part of it) was read from, by `loadContextText`: a schema-first error at a value
   * the file gave carries its file:line:col.
   */
  contextSource?: ContextSource;
  pipeline?: Pipeline;
  language?: Language;
  outPath?: string;
  /** Where the companion test goes (default: the registry's test_base_path, project_structure.yaml, else test/unit). */
  testOutPath?: string;
  /** Folder (workspace-relative) under which the default paths are placed, e.g. a scratch area. */
  baseDir?: string;
  withTest?: boolean;
  now?: Date;
}

export interface RenderedFile {
  path: string;
  content: string;
  artifactType: string;
  templateId: string;
  templateVersion: string;
  versionHash: string;
  /** The artifact itself, or its companion test. */
  role?: 'main' | 'test';
  engine?: TemplateEngine;
  /** What the file was rendered from (recorded in `.st3/scaffold/answers.json` by recordVersions). */
  answer?: ScaffoldAnswer;
}

export interface RenderResult {
  files: RenderedFile[];
  ephemeral?: string;
  warnings: Diagnostic[];
  pipeline: Pipeline;
  durationMs: number;
  /** Text the artifact type inserts into existing files (apply with `applyInjections`). */
  injections?: PlannedInjection[];
}

export interface ArtifactTypeInfo {
  type: string;
  family: string;
  name: string;
  description?: string;
  outputType: 'file' | 'ephemeral';
  languages: Language[];
  generateTest: boolean;
  stateMachine?: { states: string[]; initial_state: string };
  source: 'builtin' | 'workspace';
  templates: string[];
}

/** One required context field a request lacks, described from the context schema (for prompts). */
export interface PromptField {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'json';
  description?: string;
  default?: unknown;
  choices?: unknown[];
}

export interface Scaffolder {
  render(request: RenderRequest): RenderResult;
  listArtifactTypes(): ArtifactTypeInfo[];
  /**
   * Records each written file: template registry, its template version kept by hash, and its answers; in the
   * `.st3/` of `options.workspace` when given (e.g. a scratch folder the files were written to), else the scaffolder's.
   */
  recordVersions(files: RenderedFile[], options?: { workspace?: string }): Promise<void>;
  /**
   * Reads and validates the records `recordVersions` would update (template registry and answers, in the same
   * workspace): throws E_CONFIG_INVALID at the bad file's line:col. Call it before writing anything. With
   * `writable`, also checks that the folders recording writes take new files (E_WRITE naming the one that does not;
   * with `dryRun` the error says that the real run would fail, as a dry run promises what the run would do).
   */
  checkRecords(options?: { workspace?: string; writable?: boolean; dryRun?: boolean }): Promise<void>;
  currentHashes(): Map<string, string>;
  /** The file an answer gives on the current templates, or on the kept version `hash`. */
  rerender(answer: ScaffoldAnswer, options?: { version?: string }): RenderedFile;
  /** The version hash an answer would be rendered with now. */
  currentVersion(answer: ScaffoldAnswer): string;
  /** Current version hashes of an artifact type (every variant) in one language. */
  versionsOf(type: string, language?: Language): string[];
  /** Required context fields the request does not give, from its context schema. */
  promptFields(request: RenderRequest): PromptField[];
  readonly warnings: Diagnostic[];
  readonly workspace?: string;
  readonly metadataConfig: ScaffoldMetadataConfig;
  readonly store: TemplateStore;
  readonly placement?: PlacementPolicy;
}
