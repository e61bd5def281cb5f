import { relative, resolve } from 'node:path';
import { createOutput, defineCommand, defineOptions, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';
import { compareRollups, serveMetrics } from '@st3/telemetry';
import { join } from 'node:path';
import { collectReport, loadMetricsFile, metricsPaths } from '../collect.js';
import { writeDashboard } from '../dashboard.js';
import { comparisonLines, criteriaLines } from '../report.js';
import { telemetryLoader } from '../serve.js';
import { alerts, grafana } from './alert-files.js';

const tasksDirOption = defineOptions({
  'tasks-dir': {
    type: 'string',
    valueName: 'DIR',
    description: 'folder of task contexts (default: context_dir of .st3/config/tasks.yaml, .st3/tasks)',
  },
});

const layoutOptions = defineOptions({
  ...tasksDirOption,
  'history-dir': {
    type: 'string',
    valueName: 'DIR',
    description: 'folder of rollup snapshots (default .st3/metrics/history)',
  },
});

/**
 * `--history-dir` of a verb that reads no rollup snapshot. Earlier versions listed it there and ignored it;
 * it is still accepted (scripts pass it) but says so rather than seeming to act.
 */
const unusedHistoryDir = (verb: string, why: string) =>
  defineOptions({
    'history-dir': {
      type: 'string',
      valueName: 'DIR',
      description: `has no effect on ${verb} (${why}); \`st3 metrics dashboard --history-dir\` records and draws the snapshots`,
      deprecated: `${verb} reads no rollup snapshots, so --history-dir is ignored`,
    },
  });

const collect = defineCommand({
  name: 'collect',
  summary:
    "judge the seed's five pilot criteria for one or more tasks (each measured with its source, or not measured); exit 1 unless the pilot passes",
  description: [
    "Reads every telemetry-<agent>.json of each task's context, its validation commands and QA artifacts, and writes the task's metrics.json. The criteria and thresholds are the seed's pilot table: file reads ≤ 5 for ≥ 80% of agents, ≤ 1 repeated warning in 100% of tasks, QA artifact coverage 100% in 100% of tasks, average prompt savings ≥ 15%, 0 JSON parse failures.",
    'With several tasks the pilot is judged across them. The verdict is pass, fail (a criterion missed) or incomplete (one not measured); the exit code is 0 only on pass.',
    'A telemetry file that cannot be read or parsed is reported (file, line, column) and the criteria telemetry feeds (file reads, repeated warnings, prompt savings, JSON parse failures) are not measured: the other agents alone never pass the pilot.',
  ],
  args: [{ name: 'task-id', description: 'the tasks to collect', required: true, variadic: true, complete: 'none' }],
  options: {
    baseline: {
      type: 'string',
      valueName: 'FILE',
      description:
        "a baseline run (rollup.json, a history snapshot or a task's metrics.json): shown beside the result, and its prompt sizes measure prompts recorded without a baseline",
    },
    ...tasksDirOption,
    ...unusedHistoryDir('collect', "it judges the tasks' telemetry now and records no snapshot"),
  },
  examples: [
    'st3 metrics collect TASK-0101',
    'st3 metrics collect TASK-0101 TASK-0102 --json',
    'st3 metrics collect TASK-0101 --baseline docs/evidence/metrics/pilot-baseline-TASK-0101.json',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const paths = await metricsPaths(ws.root, { tasksDir: values['tasks-dir'], configPath: ws.configPath });
    const baselineFile = values.baseline ? resolve(io.cwd, common.cwd ?? '.', values.baseline) : undefined;
    // The same code path as the MCP tool metrics_collect.
    const { report, collected } = await collectReport(paths, args['task-id'], baselineFile ? { baselineFile } : {});
    for (const e of collected.warnings) out.diagnostic(e);
    if (out.json) out.document(report);
    else {
      for (const t of report.tasks)
        out.info(
          `${t.task_id}: ${t.agents.length} agent(s), verdict ${t.verdict} → ${relative(ws.root, join(paths.tasksDir, t.task_id, 'metrics.json'))}`,
        );
      for (const line of criteriaLines(report.pilot, out.color)) out.line(line);
      if (report.comparison) for (const line of comparisonLines(report.comparison, out.color)) out.line(line);
    }
    // Exit 0 only on pass: a missed criterion (fail) or one not measured (incomplete) is exit 1.
    return report.ok ? EXIT.ok : EXIT.problems;
  },
});

const compare = defineCommand({
  name: 'compare',
  summary:
    'compare a baseline run with the current one: value, figure and delta per criterion, the verdicts; exit 1 on regression',
  args: [
    {
      name: 'baseline',
      description: "the baseline (rollup.json, a history snapshot, or a task's metrics.json)",
      required: true,
    },
    { name: 'current', description: 'the current run (same kinds)', required: true },
  ],
  options: {
    tolerance: {
      type: 'number',
      min: 0,
      default: 0,
      valueName: 'R',
      description: 'how far a criterion value may fall before it counts as a regression (e.g. 0.05)',
    },
  },
  examples: [
    'st3 metrics compare .st3/metrics/history/2026-01-01T00-00-00-000Z.json .st3/metrics/dashboard/rollup.json',
    'st3 metrics compare pilot-baseline-TASK-0101.json .st3/tasks/TASK-0101/metrics.json --json',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const [baseline, current] = await Promise.all(
      [args.baseline, args.current].map((p) => loadMetricsFile(resolve(io.cwd, common.cwd ?? '.', p))),
    );
    const result = compareRollups(baseline!, current!, { tolerance: values.tolerance });
    if (out.json) out.document({ ok: result.regressions.length === 0, ...result });
    else for (const line of comparisonLines(result, out.color)) out.line(line);
    return result.regressions.length === 0 ? EXIT.ok : EXIT.problems;
  },
});

const serve = defineCommand({
  name: 'serve',
  summary: "serve the workspace's telemetry as Prometheus metrics on /metrics (loopback by default)",
  description: [
    'A telemetry file that cannot be read or parsed is printed on stderr (file, line, column; once per error) and served as st3_telemetry_files_unreadable (0 when every file was read) and st3_telemetry_unreadable_file_info{file,code,line,column}: the other series lack its figures.',
  ],
  options: {
    port: {
      type: 'number',
      integer: true,
      min: 0,
      max: 65535,
      default: 9464,
      description: 'port to listen on (0 picks a free one)',
    },
    host: {
      type: 'string',
      valueName: 'H',
      description: 'address to bind (default 127.0.0.1; anything else must be asked for)',
    },
    ...tasksDirOption,
    ...unusedHistoryDir('serve', 'it serves the live telemetry counters, not the recorded pilot verdicts'),
  },
  examples: ['st3 metrics serve --port 9464', 'curl http://127.0.0.1:9464/metrics'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const port = values.port;
    const ws = resolveWorkspace(io, common);
    const paths = await metricsPaths(ws.root, { tasksDir: values['tasks-dir'], configPath: ws.configPath });
    // Unreadable telemetry files go to stderr (each error once) and into the scrape, never silently away.
    const load = telemetryLoader(ws.root, paths.tasksDir, (e) => out.diagnostic({ ...e, severity: 'warning' }));
    // The execution metrics' running totals (st3 execute adds to them) and the review queue beside the records.
    const extra = async () => {
      const t = await import('@st3/telemetry');
      const totals = await t.loadExecutionTotals(t.executionTotalsPath(ws.root));
      const reviewQueue = await t.reviewQueueSizes(ws.root);
      return t.executionRegistry({ totals, ...(reviewQueue ? { reviewQueue } : {}) });
    };
    const served = await serveMetrics({ port, host: values.host, load, extra }).catch(
      (error: NodeJS.ErrnoException) => {
        throw new St3Error(
          error.code === 'EADDRINUSE' ? 'E_USAGE' : 'E_INTERNAL',
          `cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${error.message}`,
          { hint: 'pick another --port' },
        );
      },
    );
    if (out.json) out.document({ ok: true, url: served.url });
    else out.line(`serving ${served.url} (Ctrl-C to stop)`);
    // Report unreadable files now, not only at the first scrape (a bad scrape is the loader's 500 then).
    await load().catch(() => undefined);
    await new Promise<void>((r) =>
      io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true }),
    );
    await served.close();
    return EXIT.ok;
  },
});

const dashboard = defineCommand({
  name: 'dashboard',
  summary:
    'write the metrics dashboard (pilot verdict, criteria against their targets, baseline vs current, trend): dashboard.json, rollup.json and one self-contained index.html',
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'where to write (default .st3/metrics/dashboard)' },
    baseline: {
      type: 'string',
      valueName: 'FILE',
      description: 'the baseline run shown beside the current one (default .st3/metrics/baseline.json when it exists)',
    },
    'no-record': { type: 'boolean', description: 'do not add this run to the trend history' },
    ...layoutOptions,
  },
  examples: ['st3 metrics dashboard', 'st3 metrics dashboard --out site/metrics --baseline pilot-baseline.json'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const paths = await metricsPaths(ws.root, {
      tasksDir: values['tasks-dir'],
      historyDir: values['history-dir'],
      configPath: ws.configPath,
    });
    const result = await writeDashboard(ws.root, {
      outDir: values.out ? resolve(ws.root, values.out) : undefined,
      record: !values['no-record'],
      paths,
      ...(values.baseline ? { baseline: resolve(io.cwd, common.cwd ?? '.', values.baseline) } : {}),
    });
    for (const w of result.warnings) out.warn(w);
    if (out.json)
      out.document({
        ok: true,
        html: result.html,
        json: result.json,
        tasks: result.tasks,
        unreadable: result.unreadable,
        verdict: result.pilot.verdict,
        summary: result.pilot.summary,
        baseline: result.baseline,
      });
    else {
      const unread = result.unreadable.length > 0 ? ` (${result.unreadable.length} more could not be read)` : '';
      out.line(`dashboard of ${result.tasks} task(s)${unread}: ${relative(io.cwd, result.html) || result.html}`);
      out.line(result.pilot.summary);
    }
    return EXIT.ok;
  },
});

export const command = defineCommand({
  name: 'metrics',
  summary:
    "the seed's pilot metrics: collect a task's criteria and verdict, compare runs, serve Prometheus metrics, write the dashboard, alert rules and a Grafana dashboard",
  subcommands: { collect, compare, serve, dashboard, alerts, grafana },
  examples: [
    'st3 metrics collect TASK-0101',
    'st3 metrics dashboard --out site/metrics',
    'st3 metrics compare base.json current.json',
    'st3 metrics serve --port 9464',
    'st3 metrics alerts --out st3-alerts.yml',
    'st3 metrics grafana --out st3-dashboard.json',
  ],
});
