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
  rollup,
  successCriteria,
  taskMetrics,
  type AggregatedTelemetry,
  type CriteriaInputs,
  type RollupComparison,
} from './aggregate.js';
export {
  metricName,
  registryFromRecords,
  serveMetrics,
  toPrometheusText,
  type MetricsServerOptions,
} from './prometheus.js';
export {
  collectTaskMetrics,
  defaultLayout,
  listTaskContexts,
  loadRollupHistory,
  loadTelemetryDir,
  qaInputsFromContext,
  recordRollup,
  type MetricsLayout,
} from './store.js';
export { METRIC_NAMES, dashboardData, renderDashboard, type DashboardData } from './dashboard/dashboard.js';
export { barChart, lineChart, type Bar, type Series } from './dashboard/svg.js';
export { cliTelemetry, cliTelemetryDir, type CliTelemetryOptions } from './cli-target.js';
