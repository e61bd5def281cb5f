import { performance } from 'node:perf_hooks';
import { St3Error, type ArtifactType, type Diagnostic, type ScaffoldAnswer } from '@st3/schemas';
import type { ContextSource } from '../context-source.js';
import { planInjections } from '../inject.js';
import { pascal, pyClass, withSuffix } from '../naming.js';
import { defaultOutPath, testImport, testOutPath } from '../output-paths.js';
import { checkPlacement, defaultFolder } from '../placement.js';
import { EXTENSION, type Language } from '../registry.js';
import type { RenderedFile, RenderRequest, RenderResult } from '../types.js';
import { artifactOf, languageFor, pipelineFor, type RenderEnv } from './env.js';
import { answerFor, renderOne, templateId } from './render-file.js';
import type { ResolvedTemplate } from './resolve.js';

/** Templates forced for one render (a kept version rebuilding a merge base). */
export interface Overrides {
  main?: ResolvedTemplate;
  test?: ResolvedTemplate;
  /** The file is where it is: no placement policy check. */
  placed?: boolean;
}

export function renderRequest(env: RenderEnv, request: RenderRequest, overrides: Overrides = {}): RenderResult {
  const started = performance.now();
  const artifact = artifactOf(env, request.type);
  const lang = languageFor(env, artifact, request);
  const pipeline = pipelineFor(env, request);
  const warnings: Diagnostic[] = [];
  const context: Record<string, unknown> = {
    ...(request.context ?? {}),
    name: artifact.type === 'code' ? withSuffix(request.name, artifact.name_suffix) : request.name,
  };
  const resolved = overrides.main ?? pick2(env.resolver.resolve(artifact, lang, context), warnings);
  const created = request.now ?? env.options.now?.() ?? new Date();
  const path = mainPath(env, artifact, lang, request);
  if (env.placement && !overrides.placed && artifact.output_type !== 'ephemeral')
    checkPlacement(env.placement, path, artifact.type_id);
  const common = { created, pipeline, warnings, lang, metadataConfig: env.metadataConfig };
  const main = renderOne({ ...common, artifact, template: resolved, context, path, source: sourceOf(request) });
  if (artifact.output_type === 'ephemeral')
    return { files: [], ephemeral: main.text, warnings, pipeline, durationMs: performance.now() - started };
  const withTest = Boolean(lang && (request.withTest ?? artifact.generate_test));
  const testPath = withTest && lang ? companionPath(env, artifact, lang, request, path) : undefined;
  const answer = (role: 'main' | 'test', template: ResolvedTemplate, text: string, a: ArtifactType) =>
    answerFor({
      artifact: a,
      role,
      name: request.name,
      lang,
      pipeline,
      context: request.context ?? {},
      outPath: path,
      testPath,
      withTest,
      baseDir: request.baseDir,
      template,
      chain: template.source.chain(template.id),
      created,
      text,
    });
  const files: RenderedFile[] = [
    fileOf(path, main.text, artifact.type_id, resolved, answer('main', resolved, main.text, artifact)),
  ];
  if (testPath && lang) {
    if (env.placement && !overrides.placed) checkPlacement(env.placement, testPath, 'unit_test');
    const test = renderCompanion(
      env,
      artifact,
      lang,
      { context, main, path, testPath, request, common },
      overrides.test,
    );
    files.push(
      fileOf(testPath, test.text, 'unit_test', test.template, answer('test', test.template, test.text, artifact)),
    );
  }
  const injections = planInjections(artifact.injections, {
    artifactType: artifact.type_id,
    path,
    language: lang,
    context: { ...main.ctx, name: context.name },
  });
  return {
    files,
    warnings,
    pipeline,
    durationMs: performance.now() - started,
    ...(injections.length > 0 ? { injections } : {}),
  };
}

/** The request's context file, less the keys the render sets itself (`name` comes from the request). */
function sourceOf(request: RenderRequest): ContextSource | undefined {
  const source = request.contextSource;
  if (!source) return undefined;
  const keys = source.keys ?? Object.keys(request.context ?? {});
  return { ...source, keys: keys.filter((k) => k !== 'name') };
}

function pick2(resolution: { template: ResolvedTemplate; warnings: Diagnostic[] }, warnings: Diagnostic[]) {
  warnings.push(...resolution.warnings);
  return resolution.template;
}

function mainPath(env: RenderEnv, artifact: ArtifactType, lang: Language | undefined, request: RenderRequest): string {
  if (request.outPath !== undefined && !request.outPath.endsWith('/')) return request.outPath;
  const prefix = request.baseDir ? request.baseDir.replace(/\/*$/, '/') : '';
  const ext = lang ? EXTENSION[lang] : artifact.file_extension;
  const placed =
    env.placement && request.outPath === undefined ? defaultFolder(env.placement, artifact.type_id, ext) : undefined;
  return prefix + defaultOutPath(artifact, lang, request.name, request.outPath, placed);
}

function companionPath(
  env: RenderEnv,
  artifact: ArtifactType,
  lang: Language,
  request: RenderRequest,
  sourcePath: string,
): string {
  if (request.testOutPath !== undefined) return request.testOutPath;
  const prefix = request.baseDir ? request.baseDir.replace(/\/*$/, '/') : '';
  const unitTest = env.types.get('unit_test');
  const placed =
    (env.placement && defaultFolder(env.placement, 'unit_test', EXTENSION[lang], sourcePath)) ??
    unitTest?.base_path ??
    undefined;
  return prefix + testOutPath(artifact, lang, request.name, placed);
}

interface CompanionInput {
  context: Record<string, unknown>;
  main: { ctx: Record<string, unknown> };
  path: string;
  testPath: string;
  request: RenderRequest;
  common: Omit<Parameters<typeof renderOne>[0], 'artifact' | 'template' | 'context' | 'path'>;
}

/** The companion test: its own template (dto.test.ts) or the unit_test one, always the loose pipeline (its fields are ours). */
function renderCompanion(
  env: RenderEnv,
  artifact: ArtifactType,
  lang: Language,
  input: CompanionInput,
  forced?: ResolvedTemplate,
): { text: string; template: ResolvedTemplate } {
  const store = env.store;
  const companion = `concrete/${artifact.type_id}.test${EXTENSION[lang]}`;
  const own = store.has(companion);
  const template = forced ?? { source: store, id: own ? companion : `concrete/unit_test${EXTENSION[lang]}` };
  const testType = env.types.get('unit_test') ?? artifact;
  const prefix = input.request.baseDir ? input.request.baseDir.replace(/\/*$/, '/') : '';
  const testContext = {
    name: input.context.name,
    description: '',
    import_path: testImport(lang, input.testPath, input.path, prefix),
    subject:
      artifact.type_id === 'service'
        ? { ...input.main.ctx, service_type: input.main.ctx.service_type ?? 'command' }
        : input.main.ctx,
    symbols: template.id === companion ? [] : [(lang === 'py' ? pyClass : pascal)(String(input.context.name))],
    cases: [] as string[],
  };
  const test = renderOne({
    ...input.common,
    pipeline: 'v1',
    warnings: [],
    artifact: { ...testType, type_id: 'unit_test' },
    template,
    context: testContext,
    path: input.testPath,
  });
  return { text: test.text, template };
}

function fileOf(
  path: string,
  content: string,
  artifactType: string,
  template: ResolvedTemplate,
  answer: ScaffoldAnswer,
): RenderedFile {
  const chain = template.source.chain(template.id);
  return {
    path,
    content,
    artifactType,
    templateId: templateId(template.id),
    templateVersion: chain.concrete.meta.version,
    versionHash: chain.hash,
    role: answer.role,
    engine: template.source.engine,
    answer,
  };
}

/** The request an answer was rendered from, with its paths and creation time pinned. */
export function requestOf(answer: ScaffoldAnswer): RenderRequest {
  return {
    type: answer.artifact_type,
    name: answer.name,
    context: answer.context,
    pipeline: answer.pipeline,
    ...(answer.language ? { language: answer.language } : {}),
    outPath: answer.out_path,
    ...(answer.test_path ? { testOutPath: answer.test_path } : {}),
    withTest: answer.role === 'test' ? true : answer.with_test,
    ...(answer.base_dir ? { baseDir: answer.base_dir } : {}),
    now: new Date(answer.created),
  };
}

export function pick(result: RenderResult, answer: ScaffoldAnswer): RenderedFile {
  const file = result.files.find((f) => f.role === answer.role);
  if (!file) throw new St3Error('E_INTERNAL', `re-rendering ${answer.out_path} gave no ${answer.role} file`);
  return file;
}

export function currentVersion(env: RenderEnv, answer: ScaffoldAnswer): string {
  const artifact = artifactOf(env, answer.artifact_type);
  const context = { ...answer.context, name: withSuffix(answer.name, artifact.name_suffix) };
  if (answer.role === 'main') {
    const { template } = env.resolver.resolve(artifact, answer.language, context);
    return template.source.chain(template.id).hash;
  }
  const store = env.store;
  const lang = answer.language ?? 'ts';
  const companion = `concrete/${artifact.type_id}.test${EXTENSION[lang]}`;
  return store.chain(store.has(companion) ? companion : `concrete/unit_test${EXTENSION[lang]}`).hash;
}
