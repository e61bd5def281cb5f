export {
  EXECUTION_METRICS,
  WORKER_METRICS,
  metricInfo,
  seriesNames,
  type MetricInfo,
  type MetricKind,
} from './catalog.js';
export {
  addCounter,
  addExecutionTotals,
  addTotals,
  emptyTotals,
  executionTotalsPath,
  isEmptyTotals,
  loadExecutionTotals,
  observeHistogram,
} from './totals.js';
export { ExecutionRecorder, type AtomOutcome, type ExecutionRecorderOptions, type LiveExecution } from './recorder.js';
export {
  EXECUTION_FLUSH_MS,
  ExecutionRunMetrics,
  type ExecutionEvent,
  type ExecutionRunMetricsOptions,
} from './run-metrics.js';
export { executionRegistry, type ExecutionRegistryInput } from './registry.js';
export { alertRules, alertRulesYaml, type AlertRule, type AlertThresholds } from './alerts.js';
export { grafanaDashboard, type GrafanaOptions, type GrafanaPanel, type GrafanaTarget } from './grafana.js';
export { reviewQueueSizes, type ReviewLevelCounts } from './review-queue.js';
export { WorkerMetrics } from './worker-metrics.js';
