export {
  createScaffolder,
  renderArtifact,
  listArtifactTypes,
  templateId,
  type ArtifactTypeInfo,
  type Language,
  type Pipeline,
  type PromptField,
  type RenderedFile,
  type RenderRequest,
  type RenderResult,
  type Scaffolder,
  type ScaffolderOptions,
} from './scaffolder.js';
export { schemaFirstFromEnv } from './env.js';
export { answersPath, readAnswers, recordAnswers, type AnsweredFile } from './answers.js';
export { keepVersion, loadVersion, versionsDir, type KeptVersion, type VersionManifest } from './versions.js';
export { mergeThreeWay, rejectFile, type MergeConflict, type MergeOptions, type MergeResult } from './update/merge3.js';
export {
  updateFiles,
  type UpdatedFile,
  type UpdateOptions,
  type UpdateReport,
  type UpdateStatus,
} from './update/update.js';
export { applyInjections, planInjections, type InjectionOutcome, type PlannedInjection } from './inject.js';
export { checkPlacement, directoriesFor, loadPlacementPolicy, type PlacementPolicy } from './placement.js';
export { parsePromptAnswer } from './prompts.js';
export { contentHash, matchesContentHash } from './render/render-file.js';
export { JinjaStore, jinjaMetadata } from './templates/jinja.js';
export {
  VirtualTree,
  type ChangeAction,
  type CommitReport,
  type OverwritePolicy,
  type PlannedChange,
} from './tree/virtual-tree.js';
export { resolveInside, toPosix } from './tree/paths.js';
export {
  DEFAULT_METADATA_CONFIG,
  blankStamps,
  setStamps,
  formatHeader,
  isoSeconds,
  parseHeader,
  stripHeader,
  syntaxFor,
  type CommentSyntax,
  type HeaderFields,
  type HeaderParse,
} from './provenance/header.js';
export { checkFiles, type CheckedFile, type CheckReport, type CheckStatus } from './provenance/check.js';
export { readTemplateRegistry, recordTemplateVersions, templateRegistryPath } from './provenance/template-registry.js';
export { DEFAULT_REGISTRY, loadArtifactRegistry, type LoadedRegistry } from './registry.js';
export {
  BUILTIN_CONTEXT_SCHEMAS,
  FieldSchema,
  FieldTypeSchema,
  builtinContextSchema,
  contextJsonSchema,
} from './contexts.js';
export { withLifecycle, type RenderLifecycle } from './pipeline.js';
export { loadContextFile, loadContextText, type ContextSource } from './context-source.js';
export {
  TemplateStore,
  builtinTemplatesDir,
  chainHash,
  type TemplateChain,
  type TemplateEngine,
  type TemplateEntry,
  type TemplateSource,
} from './templates/store.js';
export type { TemplateMeta } from './templates/metadata.js';
export { camel, constant, kebab, pascal, snake, title, words } from './naming.js';
export * from './patterns/index.js';
export { stageRendered } from './stage.js';
export {
  renderedFileOrigin,
  writeRendered,
  type WriteRenderedOptions,
  type WriteRenderedReport,
} from './write-rendered.js';
