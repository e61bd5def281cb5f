import { dirname, relative, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createOutput, defineCommand, EXIT, type CliIO, type Output } from '@st3/cli-kit';

/** Prints `text`, or writes it atomically to `--out` (relative to the invocation folder). */
async function emit(io: CliIO, out: Output, cwd: string | undefined, file: string | undefined, text: string) {
  if (!file) {
    io.stdout.write(text);
    return undefined;
  }
  const path = resolve(io.cwd, cwd ?? '.', file);
  await mkdir(dirname(path), { recursive: true });
  const { writeFileAtomic } = await import('@st3/fs');
  await writeFileAtomic(path, text);
  if (!out.json) out.line(`wrote ${relative(io.cwd, path) || path}`);
  return path;
}

export const alerts = defineCommand({
  name: 'alerts',
  summary:
    'write the Prometheus alerting rules of the execution metrics (precision, run time, failure rate, review queue, workers, cost…)',
  description: [
    "The seed's conditions — precision below 95%, a run over 2 hours, failed atoms over 5% — and the others a team " +
      'running agents needs: review queue growing, critical reviews waiting, workers down, stalled jobs, no progress, ' +
      'retries, cost. Load the file with `rule_files:` in prometheus.yml; `promtool check rules FILE` checks it. ' +
      'Without --out the rules go to stdout.',
  ],
  options: {
    out: { type: 'string', valueName: 'FILE', description: 'write the rules here (e.g. st3-alerts.yml)' },
    'precision-below': { type: 'number', min: 0, max: 100, valueName: 'PCT', description: 'default 95' },
    'max-run-hours': { type: 'number', min: 0, valueName: 'H', description: 'default 2' },
    'failure-rate': { type: 'number', min: 0, max: 1, valueName: 'R', description: 'default 0.05' },
    'max-cost': { type: 'number', min: 0, valueName: 'USD', description: 'cost of one run (default 200)' },
    'worker-job': {
      type: 'string',
      valueName: 'REGEX',
      description: 'the Prometheus job name(s) scraping st3 worker --metrics-port (default st3-worker.*)',
    },
  },
  examples: ['st3 metrics alerts --out monitoring/st3-alerts.yml', 'st3 metrics alerts --precision-below 90'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const { alertRulesYaml, alertRules } = await import('@st3/telemetry');
    const thresholds = {
      ...(values['precision-below'] !== undefined ? { precisionPercent: values['precision-below'] } : {}),
      ...(values['max-run-hours'] !== undefined ? { maxRunHours: values['max-run-hours'] } : {}),
      ...(values['failure-rate'] !== undefined ? { failureRate: values['failure-rate'] } : {}),
      ...(values['max-cost'] !== undefined ? { maxCostPerProjectUsd: values['max-cost'] } : {}),
      ...(values['worker-job'] ? { workerJob: values['worker-job'] } : {}),
    };
    const text = alertRulesYaml(thresholds);
    if (out.json && !values.out) {
      out.document({ ok: true, rules: alertRules(thresholds) });
      return EXIT.ok;
    }
    const file = await emit(io, out, common.cwd, values.out, text);
    if (out.json) out.document({ ok: true, file, rules: alertRules(thresholds).length });
    return EXIT.ok;
  },
});

export const grafana = defineCommand({
  name: 'grafana',
  summary: 'write a Grafana dashboard (JSON model) over the execution metrics: 12 panels, Prometheus data source',
  description: [
    'Import it through Dashboards → Import; the Prometheus data source is a dashboard variable. Without --out the ' +
      'JSON goes to stdout.',
  ],
  options: {
    out: { type: 'string', valueName: 'FILE', description: 'write the dashboard here (e.g. st3-dashboard.json)' },
    title: { type: 'string', valueName: 'TEXT', description: 'dashboard title' },
    uid: { type: 'string', valueName: 'UID', description: 'dashboard uid (default st3-execution)' },
  },
  examples: ['st3 metrics grafana --out monitoring/st3-dashboard.json'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const { grafanaDashboard } = await import('@st3/telemetry');
    const dashboard = grafanaDashboard({
      ...(values.title ? { title: values.title } : {}),
      ...(values.uid ? { uid: values.uid } : {}),
    });
    const text = `${JSON.stringify(dashboard, null, 2)}\n`;
    if (out.json && !values.out) {
      io.stdout.write(text);
      return EXIT.ok;
    }
    const file = await emit(io, out, common.cwd, values.out, text);
    if (out.json) out.document({ ok: true, file, panels: (dashboard.panels as unknown[]).length });
    return EXIT.ok;
  },
});
