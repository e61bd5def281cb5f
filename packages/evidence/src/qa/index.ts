export { detectQaFormat } from './detect-format.js';
export { qaKey, summarizeQa, type SummarizeQaInput } from './summarize.js';
export { compareQa, type QaDriftFinding, type QaDriftKind, type QaDriftOptions, type QaDriftReport } from './drift.js';
export {
  readQaBaselines,
  readQaRuns,
  qaRecordFailed,
  recordQa,
  runQa,
  type RecordQaOptions,
  type RecordQaResult,
  type RunQaOptions,
} from './record.js';
export { qaDrift, qaTaskDrift, type QaNoBaseline, type QaTaskDrift, type QaTaskDriftOptions } from './task-drift.js';
export { qaCoverage, type QaCoverage } from './coverage.js';
export { planQaRecord, type QaRecordPlan, type QaRecordRequest } from './args.js';
