export type {
  ClassRecord,
  ComplexityVariant,
  ExportRecord,
  FunctionRecord,
  ImportRecord,
  LineCounts,
  ParameterInfo,
  ParsedFile,
  ParseOptions,
  SourceLanguage,
  StatementNode,
  TypeDefinition,
} from './types.js';
export {
  detectLanguage,
  languageFromShebang,
  looksBinary,
  isSupportedLanguage,
  SUPPORTED_LANGUAGES,
} from './language.js';
export { analyzeSource, checkVariant, isSkipped, type AnalyzeOptions, type SkippedFile } from './analyze.js';
export { isIoCall, isNondeterministic } from './metrics.js';
export { loadTypeScript } from './ts/load.js';
export { loadPython, type PythonEngine } from './python/load.js';
export { atomizeSource, measureSource, decodeSource, type AtomizeOptions, type ComplexityRecord } from './api.js';
export {
  complexityFileReport,
  complexityFindings,
  complexityReport,
  isSyntaxDiagnostic,
  type ComplexityFileReport,
  type ComplexityFinding,
  type ComplexityFindingOptions,
  type ComplexityReport,
  type ComplexitySkippedFile,
} from './complexity-report.js';
export { nothingAtomized, type NotAtomizedFile } from './nothing-atomized.js';
export { atomizeParsed, type AtomRecord, type AtomizedFileRecord, type ModuleDefinition } from './atomize.js';
export { resolveAtomOptions, type AtomOptions } from './atoms/options.js';
export type { Strategy } from './atoms/decompose.js';
export type {
  AtomContext,
  ContextComponent,
  ContextComponentName,
  ContextDependency,
  ContextHeader,
  ContextImport,
  ContextInput,
  ContextOutput,
  ContextType,
  InputSource,
  LocalEdgeType,
} from './context/types.js';
export {
  atomContext,
  type AtomContextOptions,
  type AtomContextParts,
  type AtomContextView,
  type ContextAtom,
  type ContextFile,
  type ViewDependency,
} from './context/view.js';
export { estimateTokens } from './context/tokens.js';
export { languageGlobals } from './atoms/globals.js';
export {
  createModuleResolver,
  resolvePythonSubmodule,
  type ModuleResolver,
  type ResolveOptions,
} from './project/resolve.js';
export {
  createDefinitionFinder,
  importedName,
  type DefinitionFinder,
  type ImportedDefinition,
  type ImportedName,
  type LinkableDefinition,
  type LinkableFile,
} from './project/definitions.js';
export { CRITERIA, type Atomicity, type AtomicityViolation } from './atoms/atomicity.js';
export { atomizeProject, type ProjectOptions, type ProjectProgress } from './project/project.js';
export { findSourceFiles, type UnreadableFolder } from './project/files.js';
export {
  summarizeFile,
  summarizeProject,
  SUMMARY_TOP,
  type AtomizedFileSummary,
  type AtomizeSummary,
  type ComplexFunction,
  type NonAtomicAtom,
} from './project/summary.js';
export { CACHE_VERSION, type AnyJobResult, type JobResult } from './project/job.js';
