import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createOutput, defineCommand, defineOptions, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { writeJsonAtomic } from '@st3/fs';
import { loadFile, MetricsRollupSchema, St3Error, type MetricsRollup } from '@st3/schemas';
import {
  collectTaskMetrics,
  compareRollups,
  dashboardData,
  defaultLayout,
  listTaskContexts,
  loadRollupHistory,
  loadTelemetryDir,
  recordRollup,
  renderDashboard,
  rollup,
  serveMetrics,
  type MetricsLayout,
} from '@st3/telemetry';

const layoutOptions = defineOptions({
  'tasks-dir': { type: 'string', valueName: 'DIR', description: 'folder of task contexts (default .st3/tasks)' },
  'history-dir': {
    type: 'string',
    valueName: 'DIR',
    description: 'folder of rollup snapshots (default .st3/metrics/history)',
  },
});

function layoutFor(root: string, values: { 'tasks-dir'?: string; 'history-dir'?: string }): MetricsLayout {
  const d = defaultLayout(root);
  return {
    tasksDir: values['tasks-dir'] ? resolve(root, values['tasks-dir']) : d.tasksDir,
    historyDir: values['history-dir'] ? resolve(root, values['history-dir']) : d.historyDir,
  };
}

const collect = defineCommand({
  name: 'collect',
  summary: "aggregate a task's telemetry into metrics.json with its five success criteria",
  args: [{ name: 'task-id', description: 'the task whose context to collect', required: true, complete: 'none' }],
  options: layoutOptions,
  examples: ['st3 metrics collect TASK-0101', 'st3 metrics collect TASK-0101 --json'],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const taskId = args['task-id'];
    const ws = resolveWorkspace(io, common);
    const layout = layoutFor(ws.root, values);
    const contextDir = join(layout.tasksDir, taskId);
    const { metrics, errors } = await collectTaskMetrics(contextDir, taskId);
    for (const e of errors) out.diagnostic({ ...e, severity: 'warning' });
    await writeJsonAtomic(join(contextDir, 'metrics.json'), metrics);
    if (out.json) out.document(metrics);
    else {
      out.line(`${taskId}: ${metrics.agents.length} agent(s) → ${relative(ws.root, join(contextDir, 'metrics.json'))}`);
      for (const c of metrics.criteria) {
        const mark =
          c.target_met === null ? out.color.dim('–') : c.target_met ? out.color.green('✓') : out.color.red('✗');
        out.line(
          `  ${mark} ${c.id.padEnd(22)} ${c.value === null ? 'n/a' : round(c.value)} (target ${c.comparison} ${c.target})${c.detail ? out.color.dim(` ${c.detail}`) : ''}`,
        );
      }
    }
    return EXIT.ok;
  },
});

const compare = defineCommand({
  name: 'compare',
  summary: 'compare a baseline rollup with the current one; exit 1 on regression',
  args: [
    { name: 'baseline', description: 'the baseline rollup (a history snapshot or rollup.json)', required: true },
    { name: 'current', description: 'the current rollup', required: true },
  ],
  options: {
    tolerance: {
      type: 'number',
      min: 0,
      default: 0,
      valueName: 'R',
      description: 'allowed drop of a compliance rate before it counts as a regression (e.g. 0.05)',
    },
  },
  examples: [
    'st3 metrics compare .st3/metrics/history/2026-01-01T00-00-00-000Z.json .st3/metrics/dashboard/rollup.json',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const tolerance = values.tolerance;
    const [baseline, current] = await Promise.all(
      [args.baseline, args.current].map((p) => loadRollupFile(resolve(io.cwd, common.cwd ?? '.', p))),
    );
    const result = compareRollups(baseline!, current!, { tolerance });
    if (out.json) out.document({ ok: result.regressions.length === 0, ...result });
    else {
      for (const d of result.deltas)
        out.line(
          `${d.criterion.padEnd(22)} ${pct(d.baseline)} → ${pct(d.current)}${d.delta === null ? '' : ` (${d.delta >= 0 ? '+' : ''}${round(d.delta * 100)} pts)`}`,
        );
      if (result.regressions.length === 0) out.line(out.color.green('no regression'));
      for (const r of result.regressions) out.line(out.color.red(`regression: ${r.message}`));
    }
    return result.regressions.length === 0 ? EXIT.ok : EXIT.problems;
  },
});

const serve = defineCommand({
  name: 'serve',
  summary: "serve the workspace's telemetry as Prometheus metrics on /metrics (loopback by default)",
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
    ...layoutOptions,
  },
  examples: ['st3 metrics serve --port 9464', 'curl http://127.0.0.1:9464/metrics'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const port = values.port;
    const ws = resolveWorkspace(io, common);
    const layout = layoutFor(ws.root, values);
    const load = async () => {
      const tasks = await listTaskContexts(layout.tasksDir);
      const dirs = [...tasks.map((t) => join(layout.tasksDir, t)), join(ws.root, '.st3', 'telemetry')];
      const all = await Promise.all(dirs.map((d) => loadTelemetryDir(d)));
      return all.flatMap((r) => r.records);
    };
    const served = await serveMetrics({ port, host: values.host, load }).catch((error: NodeJS.ErrnoException) => {
      throw new St3Error(
        error.code === 'EADDRINUSE' ? 'E_USAGE' : 'E_INTERNAL',
        `cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${error.message}`,
        { hint: 'pick another --port' },
      );
    });
    if (out.json) out.document({ ok: true, url: served.url });
    else out.line(`serving ${served.url} (Ctrl-C to stop)`);
    await new Promise<void>((r) =>
      io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true }),
    );
    await served.close();
    return EXIT.ok;
  },
});

const dashboard = defineCommand({
  name: 'dashboard',
  summary: 'write the metrics dashboard: dashboard.json, rollup.json and one self-contained index.html',
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'where to write (default .st3/metrics/dashboard)' },
    'no-record': { type: 'boolean', description: 'do not add this run to the trend history' },
    ...layoutOptions,
  },
  examples: ['st3 metrics dashboard', 'st3 metrics dashboard --out site/metrics'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const result = await writeDashboard(ws.root, {
      outDir: values.out ? resolve(ws.root, values.out) : undefined,
      record: !values['no-record'],
      layout: layoutFor(ws.root, values),
    });
    for (const w of result.warnings) out.warn(w);
    if (out.json) out.document({ ok: true, html: result.html, json: result.json, tasks: result.tasks });
    else out.line(`dashboard of ${result.tasks} task(s): ${relative(io.cwd, result.html) || result.html}`);
    return EXIT.ok;
  },
});

/** Collects every task's metrics, records the rollup in the history and writes the dashboard files (`write: false` computes only). */
export async function writeDashboard(
  root: string,
  options: { outDir?: string; record?: boolean; write?: boolean; layout?: MetricsLayout; now?: Date } = {},
) {
  const layout = options.layout ?? defaultLayout(root);
  const outDir = options.outDir ?? join(root, '.st3', 'metrics', 'dashboard');
  const warnings: string[] = [];
  const taskIds = await listTaskContexts(layout.tasksDir);
  const collected = await Promise.all(
    taskIds.map((t) => collectTaskMetrics(join(layout.tasksDir, t), t, { now: options.now })),
  );
  // Task contexts, plus runs not tied to a task (`--telemetry` without `--task`, `st3 run`) for the tool panels.
  const loaded = await Promise.all(
    [...taskIds.map((t) => join(layout.tasksDir, t)), join(root, '.st3', 'telemetry')].map((d) => loadTelemetryDir(d)),
  );
  const records = loaded.flatMap((r) => r.records);
  for (const r of loaded) for (const e of r.errors) warnings.push(`${e.file}: ${e.message}`);
  for (const c of collected) for (const e of c.errors) warnings.push(`${e.file}: ${e.message}`);
  const current = rollup(
    collected.map((c) => c.metrics),
    options.now,
  );
  const history = await loadRollupHistory(layout.historyDir);
  for (const e of history.errors) warnings.push(`${e.file}: ${e.message}`);
  const data = dashboardData({ current, history: history.rollups, records, now: options.now });
  const html = join(outDir, 'index.html');
  const json = join(outDir, 'dashboard.json');
  if (options.write === false) return { html, json, tasks: taskIds.length, warnings, rollup: current, written: false };
  await mkdir(outDir, { recursive: true });
  await writeJsonAtomic(json, data);
  await writeJsonAtomic(join(outDir, 'rollup.json'), current);
  await writeFile(html, renderDashboard(data));
  if (options.record !== false) await recordRollup(layout.historyDir, current);
  return { html, json, tasks: taskIds.length, warnings, rollup: current, written: true };
}

async function loadRollupFile(path: string): Promise<MetricsRollup> {
  const r = await loadFile(path, { schema: MetricsRollupSchema });
  if (!r.value) {
    const e = r.errors[0];
    throw new St3Error(
      e?.code === 'E_FILE_NOT_FOUND' ? 'E_FILE_NOT_FOUND' : 'E_SCHEMA',
      `${path}: ${e?.message ?? 'not a metrics rollup'}`,
      {
        file: path,
        line: e?.line,
        column: e?.column,
        hint: e?.hint ?? 'pass a rollup.json written by `st3 metrics dashboard` or a history snapshot',
        diagnostics: r.errors,
      },
    );
  }
  return r.value;
}

export const command = defineCommand({
  name: 'metrics',
  summary:
    "telemetry metrics: collect a task's criteria, compare rollups, serve Prometheus metrics, write the dashboard",
  subcommands: { collect, compare, serve, dashboard },
  examples: [
    'st3 metrics collect TASK-0101',
    'st3 metrics dashboard --out site/metrics',
    'st3 metrics compare base.json current.json',
    'st3 metrics serve --port 9464',
  ],
});

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function pct(v: number | null): string {
  return v === null ? 'n/a' : `${Math.round(v * 1000) / 10}%`;
}
