export {
  BYTES_PER_TOKEN,
  TelemetryCollector,
  createCollector,
  telemetryFileName,
  type CollectorOptions,
} from './collector.js';
export {
  aggregate,
  compareRollups,
  pilotOf,
  rollup,
  taskMetrics,
  type AggregatedTelemetry,
  type CriterionDelta,
  type RollupComparison,
} from './aggregate.js';
export { PILOT_TABLE, compare, formatThreshold } from './pilot-table.js';
export {
  measureTask,
  notMeasured,
  pilotCriteria,
  pilotVerdict,
  verdictOverCriteria,
  type CriteriaInputs,
  type MeasuredTask,
} from './criteria.js';
export { formatCriterionValue, pct } from './format.js';
export { appendRecord, mergeRecords, readTelemetryFile } from './merge.js';
export {
  addUnreadableFiles,
  metricName,
  preBucketedHistogram,
  registryFromRecords,
  serveMetrics,
  toPrometheusText,
  type MetricsServerOptions,
  type TelemetryLoad,
} from './prometheus.js';
export {
  collectTaskMetrics,
  defaultLayout,
  listTaskContexts,
  loadRollupHistory,
  loadTelemetryDir,
  recordRollup,
  recordTelemetry,
  scanTaskContexts,
  type MetricsLayout,
  type TaskContextScan,
} from './store.js';
export { METRIC_NAMES, dashboardData, renderDashboard, type DashboardData } from './dashboard/dashboard.js';
export { barChart, timeChart, type Bar, type TimeSeries } from './dashboard/svg.js';
export { cliTelemetry, cliTelemetryDir, type CliTelemetryOptions } from './cli-target.js';
export * from './execution/index.js';
