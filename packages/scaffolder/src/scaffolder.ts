import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { St3Error, type ArtifactType, type TelemetryHandle } from '@st3/schemas';
import { recordAnswers } from './answers.js';
import { loadPlacementPolicy } from './placement.js';
import { promptFieldsFor } from './prompts.js';
import { loadMetadataConfig } from './provenance/metadata-config.js';
import { readRecords } from './provenance/records.js';
import { checkRecordsWritable, recordWriteError } from './records-writable.js';
import { recordTemplateVersions } from './provenance/template-registry.js';
import { loadArtifactRegistry, type Language } from './registry.js';
import type { RenderEnv } from './render/env.js';
import { templateId } from './render/render-file.js';
import { currentVersion, pick, renderRequest, requestOf } from './render/request.js';
import { TemplateResolver } from './render/resolve.js';
import { JinjaStore } from './templates/jinja.js';
import { builtinTemplatesDir, TemplateStore, type TemplateSource } from './templates/store.js';
import type { RenderedFile, RenderRequest, RenderResult, Scaffolder, ScaffolderOptions } from './types.js';
import { loadVersion } from './versions.js';

export type { Pipeline } from './pipeline.js';
export type { Language } from './registry.js';
export type {
  ArtifactTypeInfo,
  PromptField,
  RenderedFile,
  RenderRequest,
  RenderResult,
  Scaffolder,
  ScaffolderOptions,
} from './types.js';
export { templateId } from './render/render-file.js';

/** Loads the registry, templates, metadata config and placement policy of a workspace once; renders synchronously after that. */
export async function createScaffolder(options: ScaffolderOptions = {}): Promise<Scaffolder> {
  const ws = options.workspace;
  // a workspace that is not there would quietly leave only the built-ins (its templates, registry and records unread)
  if (ws !== undefined && !existsSync(ws))
    throw new St3Error('E_FILE_NOT_FOUND', `workspace not found: ${ws}`, {
      file: ws,
      hint: 'pass an existing folder (the one holding .st3/), or no workspace for the built-in templates only',
    });
  const loaded = await loadArtifactRegistry(ws, options.registryFile);
  const metadataConfig = await loadMetadataConfig(ws);
  const besideRegistry = options.registryFile
    ? join(dirname(options.registryFile), 'project_structure.yaml')
    : undefined;
  const placement = await loadPlacementPolicy(ws, options.projectStructureFile ?? existing(besideRegistry));
  const rootLabel = options.templateRoot ?? loaded.registry.template_root ?? '.st3/templates';
  const templateRoot = ws ? resolve(ws, rootLabel) : undefined;
  const store = new TemplateStore([
    { dir: builtinTemplatesDir(), origin: 'builtin' },
    ...(ws ? [{ dir: join(ws, '.st3', 'templates'), origin: 'workspace' as const }] : []),
    ...(templateRoot && ws && templateRoot !== resolve(ws, '.st3/templates')
      ? [{ dir: templateRoot, origin: 'workspace' as const }]
      : []),
  ]);
  const jinja = templateRoot ? new JinjaStore(templateRoot) : undefined;
  const resolver = new TemplateResolver(store, jinja, rootLabel);
  const types = new Map(loaded.registry.artifact_types.map((a) => [a.type_id, a]));
  const now = options.now ?? (() => new Date());
  const env: RenderEnv = {
    options,
    types,
    resolver,
    store,
    metadataConfig,
    placement,
    configPipeline: loaded.registry.schema_first,
  };

  const scaffolder: Scaffolder = {
    warnings: loaded.warnings,
    workspace: ws,
    metadataConfig,
    store,
    placement,
    render: (request) => renderRequest(env, request),
    listArtifactTypes: () =>
      [...types.values()].map((a) => ({
        type: a.type_id,
        family: a.type,
        name: a.name,
        description: a.description,
        outputType: a.output_type,
        languages: resolver.languagesOf(a),
        generateTest: a.generate_test,
        stateMachine: a.state_machine
          ? { states: a.state_machine.states, initial_state: a.state_machine.initial_state }
          : undefined,
        source: loaded.source,
        templates: templatesOf(resolver, a),
      })),
    async recordVersions(files, opts = {}) {
      const root = opts.workspace ?? ws;
      if (!root) return;
      const sourceOf = (engine: string | undefined): TemplateSource => (engine === 'nunjucks' && jinja ? jinja : store);
      const at = now();
      try {
        await recordFiles(root, files, sourceOf, at);
      } catch (error) {
        // a raw errno (the lock, a temp file) would surface as E_INTERNAL
        throw recordWriteError(error, join(root, '.st3'), 'cannot record the files written: ');
      }
    },
    async checkRecords(opts = {}) {
      const root = opts.workspace ?? ws;
      if (!root) return;
      await readRecords(root);
      if (opts.writable) await checkRecordsWritable(root, { dryRun: opts.dryRun === true });
    },
    currentHashes: () => currentHashes(store),
    rerender(answer, opts = {}) {
      const request = requestOf(answer);
      if (opts.version === undefined) return pick(renderRequest(env, request, { placed: true }), answer);
      const kept = ws ? loadVersion(ws, opts.version) : undefined;
      if (!kept)
        throw new St3Error('E_FILE_NOT_FOUND', `template version ${opts.version} is not kept`, {
          file: ws ? join(ws, '.st3', 'templates', '.versions', opts.version) : undefined,
          hint: 'files made before ST3 kept template versions cannot be merged 3-way; see `st3 scaffold update --help`',
        });
      const template = { source: kept.source, id: kept.manifest.concrete };
      return pick(renderRequest(env, request, { placed: true, [answer.role]: template }), answer);
    },
    currentVersion: (answer) => currentVersion(env, answer),
    versionsOf(type, language) {
      const artifact = types.get(type);
      if (!artifact) return [];
      const variants = type === 'service' ? ['command', 'query', 'orchestrator'] : [undefined];
      const out = new Set<string>();
      for (const v of variants) {
        try {
          const { template } = resolver.resolve(artifact, language, v ? { service_type: v } : {});
          out.add(template.source.chain(template.id).hash);
        } catch {
          // a type without a template in this language has no current version
        }
      }
      return [...out];
    },
    promptFields: (request) => promptFieldsFor(env, request),
  };
  return options.telemetry ? withTelemetry(scaffolder, options.telemetry) : scaffolder;
}

/** The template registry, then kept versions and answers, of the files written. */
async function recordFiles(
  root: string,
  files: RenderedFile[],
  sourceOf: (engine: string | undefined) => TemplateSource,
  at: Date,
): Promise<void> {
  const versions = files.map((f) => ({
    file: f,
    chain: sourceOf(f.engine).chain(f.answer?.template_id ?? `concrete/${f.templateId}`),
  }));
  const answered = files
    .filter((f) => f.answer)
    .map((f) => ({ path: f.path, answer: f.answer!, chain: sourceOf(f.engine).chain(f.answer!.template_id) }));
  // one pair: answers that cannot be written take the registry entries back with them
  await recordTemplateVersions(root, versions, at, { then: () => recordAnswers(root, answered, at) });
}

function templatesOf(resolver: TemplateResolver, a: ArtifactType): string[] {
  const langs: (Language | undefined)[] = a.type === 'code' ? resolver.languagesOf(a) : [undefined];
  const out: string[] = [];
  for (const lang of langs) {
    try {
      out.push(templateId(resolver.resolve(a, lang, {}).template.id));
    } catch {
      // no template in this language
    }
  }
  return out;
}

function currentHashes(store: TemplateStore): Map<string, string> {
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
}

function existing(path: string | undefined): string | undefined {
  return path && existsSync(path) ? path : undefined;
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

export async function listArtifactTypes(options: { workspace?: string } = {}) {
  return (await createScaffolder(options)).listArtifactTypes();
}
