export type { Language, Normalizer } from './normalize/types.js';
export { blankLines, finalNewline, lineEndings, trailingWhitespace } from './normalize/basic.js';
export { blockCommentIndent, commentIndentHash, commentIndentSlash, docstringIndent } from './normalize/comments.js';
export { sortImportsPython, sortImportsTs } from './normalize/imports.js';
export { maskProvenance, maskTimestamps, maskVersionHashes } from './normalize/masks.js';
export {
  NORMALIZERS,
  PRESETS,
  languageOf,
  normalize,
  normalizersFor,
  resolveNormalizers,
} from './normalize/presets.js';
export {
  compareOutputs,
  describeVerdict,
  firstDifference,
  type CompareOptions,
  type FirstDifference,
  type Verdict,
} from './verdict.js';
export {
  DEFAULT_BROKEN_MARKERS,
  DEFAULT_DOCUMENT_MARKERS,
  defaultIsValidationError,
  runParitySuite,
  type CaseReport,
  type FileComparison,
  type Rendered,
  type RenderedFile,
  type Renderer,
  type RunSuiteOptions,
  type SideResult,
  type SuiteCase,
  type SuiteReport,
  type TimingStats,
} from './suite.js';
export { compareFiles, type CompareFilesOptions } from './compare-files.js';
export { loadParitySuite, loadParitySuiteOrThrow, storedRenderer, type LoadedSuite } from './load-suite.js';
export { formatSuiteReport } from './report.js';
export { percentile } from './stats.js';
export {
  SEED_SPEED_THRESHOLDS,
  CLEAR_MARGIN,
  combineAttempts,
  isClearPass,
  judgeSpeed,
  needsConfirmation,
  skippedSpeed,
  type JudgeSpeedOptions,
  type SpeedAttempt,
  type SpeedClock,
  type SpeedSamples,
  type SpeedStats,
  type SpeedStatus,
  type SpeedThresholds,
  type SpeedVerdict,
} from './speed.js';
export {
  checkSpeed,
  measureSpeed,
  type MeasureSpeedOptions,
  type SpeedCheckOptions,
  type TimedRender,
} from './measure.js';
export { expectParity, expectSuiteOk } from './vitest.js';
