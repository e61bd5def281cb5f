import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  St3Error,
  type ArtifactType,
  type Diagnostic,
  type ScaffoldMetadataConfig,
  type TelemetryHandle,
} from '@st3/schemas';
import { formatHeader, isoSeconds } from './provenance/header.js';
import { loadMetadataConfig } from './provenance/metadata-config.js';
import { helpers, pascal, withSuffix } from './naming.js';
import { defaultOutPath, testImport, testOutPath } from './output-paths.js';
import { looseContext, schemaFirstContext, withLifecycle, type Pipeline } from './pipeline.js';
import { EXTENSION, languageOf, loadArtifactRegistry, type Language } from './registry.js';
import { builtinTemplatesDir, TemplateStore, type TemplateChain } from './templates/store.js';
import { recordTemplateVersions } from './provenance/template-registry.js';

export type { Pipeline } from './pipeline.js';
export type { Language } from './registry.js';

export interface ScaffolderOptions {
  /** Root holding `.st3/`; omit for the built-ins only. */
  workspace?: string;
  /** Default pipeline when a call does not say (the CLI fills it from ST3_SCHEMA_FIRST). */
  schemaFirst?: boolean;
  /** Default language of code artifacts. */
  language?: Language;
  /** An artifact registry file other than `.st3/config/artifacts.yaml` (the CLI's --config). */
  registryFile?: string;
  now?: () => Date;
  /** Receives `scaffolder.artifacts{type}` and `scaffolder.files{type}` counters and the `scaffolder.render_ms{type}` histogram per render. */
  telemetry?: TelemetryHandle;
}

export interface RenderRequest {
  type: string;
  name: string;
  context?: Record<string, unknown>;
  pipeline?: Pipeline;
  language?: Language;
  outPath?: string;
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
}

export interface RenderResult {
  files: RenderedFile[];
  ephemeral?: string;
  warnings: Diagnostic[];
  pipeline: Pipeline;
  durationMs: number;
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

export interface Scaffolder {
  render(request: RenderRequest): RenderResult;
  listArtifactTypes(): ArtifactTypeInfo[];
  recordVersions(files: RenderedFile[]): Promise<void>;
  currentHashes(): Map<string, string>;
  readonly warnings: Diagnostic[];
  readonly workspace?: string;
  readonly metadataConfig: ScaffoldMetadataConfig;
  readonly store: TemplateStore;
}

const LANGS: Language[] = ['ts', 'py'];

/** Loads the registry, templates and metadata config of a workspace once; renders synchronously after that. */
export async function createScaffolder(options: ScaffolderOptions = {}): Promise<Scaffolder> {
  const loaded = await loadArtifactRegistry(options.workspace, options.registryFile);
  const metadataConfig = await loadMetadataConfig(options.workspace);
  const store = new TemplateStore([
    { dir: builtinTemplatesDir(), origin: 'builtin' },
    ...(options.workspace ? [{ dir: join(options.workspace, '.st3', 'templates'), origin: 'workspace' as const }] : []),
  ]);
  const types = new Map(loaded.registry.artifact_types.map((a) => [a.type_id, a]));
  const configPipeline = (loaded.registry as { schema_first?: unknown }).schema_first;
  const now = options.now ?? (() => new Date());

  const concreteFor = (
    artifact: ArtifactType,
    lang: Language | undefined,
    context: Record<string, unknown>,
  ): string => {
    const ext = lang ? EXTENSION[lang] : artifact.file_extension;
    const variant = artifact.type_id === 'service' ? `_${String(context.service_type ?? 'command')}` : '';
    return `concrete/${artifact.type_id}${variant}${ext}`;
  };
  const languagesOf = (artifact: ArtifactType): Language[] =>
    artifact.type === 'code' ? LANGS.filter((l) => store.has(concreteFor(artifact, l, {}))) : [];

  const pipelineFor = (request: RenderRequest): Pipeline => {
    if (request.pipeline) return request.pipeline;
    if (options.schemaFirst !== undefined) return options.schemaFirst ? 'v2' : 'v1';
    if (typeof configPipeline === 'boolean') return configPipeline ? 'v2' : 'v1';
    return 'v2';
  };

  function renderOne(
    artifact: ArtifactType,
    concreteId: string,
    context: Record<string, unknown>,
    path: string,
    created: Date,
    pipeline: Pipeline,
    warnings: Diagnostic[],
    lang: Language | undefined,
  ): { text: string; chain: TemplateChain; ctx: Record<string, unknown> } {
    const chain = store.chain(concreteId);
    const ctx =
      pipeline === 'v2'
        ? schemaFirstContext(chain.concrete, context, artifact.type_id, artifact.state_machine)
        : looseContext(store, concreteId, context, warnings);
    const ephemeral = artifact.output_type === 'ephemeral';
    const stamp = isoSeconds(created);
    const header = ephemeral
      ? undefined
      : formatHeader({ path, template: artifact.type_id, version: chain.hash, created: stamp }, metadataConfig);
    const state = typeof ctx.status === 'string' ? ctx.status : artifact.state_machine?.initial_state;
    const data: Record<string, unknown> = withLifecycle(ctx, {
      output_path: path,
      scaffold_created: stamp,
      template_id: templateId(concreteId),
      version_hash: chain.hash,
      artifact_type: artifact.type_id,
      state,
      header: header ?? '',
    });
    data.h = helpers;
    data.lang = lang;
    const text = store.render(concreteId, data);
    // Layers each end with a newline; a file ends with exactly one.
    return { text: `${text.trimEnd()}\n`, chain, ctx };
  }

  const scaffolder: Scaffolder = {
    warnings: loaded.warnings,
    workspace: options.workspace,
    metadataConfig,
    store,
    render(request) {
      const started = performance.now();
      const artifact = types.get(request.type);
      if (!artifact) {
        throw new St3Error('E_ARTIFACT_UNKNOWN', `unknown artifact type "${request.type}"`, {
          hint: `known types: ${[...types.keys()].join(', ')}`,
        });
      }
      const lang =
        artifact.type === 'code' ? (request.language ?? options.language ?? languageOf(artifact) ?? 'ts') : undefined;
      const pipeline = pipelineFor(request);
      const warnings: Diagnostic[] = [];
      const context: Record<string, unknown> = {
        ...(request.context ?? {}),
        name: artifact.type === 'code' ? withSuffix(request.name, artifact.name_suffix) : request.name,
      };
      const concreteId = concreteFor(artifact, lang, context);
      if (!store.has(concreteId)) {
        throw new St3Error('E_ARTIFACT_UNKNOWN', `artifact type "${request.type}" has no template ${concreteId}`, {
          hint: `add .st3/templates/${concreteId}.eta, or pick a language with a template: ${languagesOf(artifact).join(', ') || 'none'}`,
        });
      }
      const created = request.now ?? now();
      const prefix = request.baseDir ? request.baseDir.replace(/\/*$/, '/') : '';
      const path =
        request.outPath !== undefined && !request.outPath.endsWith('/')
          ? request.outPath
          : prefix + defaultOutPath(artifact, lang, request.name, request.outPath);
      const main = renderOne(artifact, concreteId, context, path, created, pipeline, warnings, lang);
      if (artifact.output_type === 'ephemeral') {
        return { files: [], ephemeral: main.text, warnings, pipeline, durationMs: performance.now() - started };
      }
      const files: RenderedFile[] = [fileOf(path, main.text, artifact.type_id, concreteId, main.chain)];
      if (lang && (request.withTest ?? artifact.generate_test)) {
        const companion = `concrete/${artifact.type_id}.test${EXTENSION[lang]}`;
        const testType = types.get('unit_test') ?? artifact;
        const testId = store.has(companion) ? companion : `concrete/unit_test${EXTENSION[lang]}`;
        const testPath = prefix + testOutPath(artifact, lang, request.name);
        const testContext = {
          name: context.name,
          description: '',
          import_path: testImport(lang, testPath, path, prefix),
          subject:
            artifact.type_id === 'service'
              ? { ...main.ctx, service_type: main.ctx.service_type ?? 'command' }
              : main.ctx,
          symbols: store.has(companion) ? [] : [pascal(String(context.name))],
          cases: [] as string[],
        };
        // The companion test reads the subject's context as validated above; its own fields are ours, so it always renders loose.
        const test = renderOne(
          { ...testType, type_id: 'unit_test' },
          testId,
          testContext,
          testPath,
          created,
          'v1',
          [],
          lang,
        );
        files.push(fileOf(testPath, test.text, 'unit_test', testId, test.chain));
      }
      return { files, warnings, pipeline, durationMs: performance.now() - started };
    },
    listArtifactTypes() {
      return [...types.values()].map((a) => ({
        type: a.type_id,
        family: a.type,
        name: a.name,
        description: a.description,
        outputType: a.output_type,
        languages: languagesOf(a),
        generateTest: a.generate_test,
        stateMachine: a.state_machine
          ? { states: a.state_machine.states, initial_state: a.state_machine.initial_state }
          : undefined,
        source: loaded.source,
        templates:
          a.type === 'code'
            ? languagesOf(a).map((l) => templateId(concreteFor(a, l, {})))
            : store.has(concreteFor(a, undefined, {}))
              ? [templateId(concreteFor(a, undefined, {}))]
              : [],
      }));
    },
    async recordVersions(files) {
      if (!options.workspace) return;
      await recordTemplateVersions(
        options.workspace,
        files.map((f) => ({ file: f, chain: store.chain(concreteIdOf(f.templateId)) })),
        now(),
      );
    },
    currentHashes() {
      const out = new Map<string, string>();
      for (const id of store.ids()) {
        if (!id.startsWith('concrete/')) continue;
        const base = id
          .slice('concrete/'.length)
          .replace(/\.test(?=\.)/, '')
          .replace(/\.[a-z]+$/, '')
          .replace(/^service_(command|query|orchestrator)$/, 'service');
        const type = id.includes('.test.') ? 'unit_test' : base;
        try {
          out.set(store.chain(id).hash, type);
        } catch {
          // a broken user template has no current hash
        }
      }
      return out;
    },
  };
  return options.telemetry ? withTelemetry(scaffolder, options.telemetry) : scaffolder;
}

/** Reports each successful render; a render that throws is not an artifact rendered. */
function withTelemetry(scaffolder: Scaffolder, telemetry: TelemetryHandle): Scaffolder {
  const render = scaffolder.render.bind(scaffolder);
  scaffolder.render = (request) => {
    const result = render(request);
    const labels = { type: request.type };
    telemetry.count('scaffolder.artifacts', 1, labels);
    telemetry.count('scaffolder.files', result.files.length, labels);
    telemetry.observe('scaffolder.render_ms', result.durationMs, labels);
    return result;
  };
  return scaffolder;
}

function fileOf(
  path: string,
  content: string,
  artifactType: string,
  concreteId: string,
  chain: TemplateChain,
): RenderedFile {
  return {
    path,
    content,
    artifactType,
    templateId: templateId(concreteId),
    templateVersion: chain.concrete.meta.version,
    versionHash: chain.hash,
  };
}

/** `concrete/dto.ts` → `dto.ts`, the seed's template_id form. */
export function templateId(concreteId: string): string {
  return concreteId.startsWith('concrete/') ? concreteId.slice('concrete/'.length) : concreteId;
}

function concreteIdOf(id: string): string {
  return `concrete/${id}`;
}

/** One-shot render (loads the workspace each call; use createScaffolder for many). */
export async function renderArtifact(
  request: RenderRequest & { workspace?: string; schemaFirst?: boolean; telemetry?: TelemetryHandle },
): Promise<RenderResult> {
  const s = await createScaffolder({
    workspace: request.workspace,
    schemaFirst: request.schemaFirst,
    ...(request.telemetry ? { telemetry: request.telemetry } : {}),
  });
  return s.render(request);
}

export async function listArtifactTypes(options: { workspace?: string } = {}): Promise<ArtifactTypeInfo[]> {
  return (await createScaffolder(options)).listArtifactTypes();
}
