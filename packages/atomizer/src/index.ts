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
export { atomizeParsed, type AtomRecord, type AtomizedFileRecord } from './atomize.js';
export { resolveAtomOptions, type AtomOptions } from './atoms/options.js';
export type { Strategy } from './atoms/decompose.js';
export type { AtomContext, ContextComponent } from './atoms/context.js';
export { CRITERIA, type Atomicity, type AtomicityViolation } from './atoms/atomicity.js';
export { atomizeProject, type ProjectOptions, type ProjectProgress } from './project/project.js';
export { findSourceFiles } from './project/files.js';
export { CACHE_VERSION, type JobResult } from './project/job.js';
