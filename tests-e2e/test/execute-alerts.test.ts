import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

/**
 * `st3 metrics alerts` and `st3 metrics grafana` through the built binary; the rules are judged by the
 * real promtool (`check rules`, and `test rules` on synthetic series: each seed condition fires when it
 * holds and stays quiet when it does not). promtool missing fails under CI.
 */
function promtool(args: string[], cwd: string) {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.error) {
    if (process.env.CI) throw new Error(`promtool is needed (Debian: apt-get install prometheus): ${r.error.message}`);
    return undefined;
  }
  return r;
}

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

/** An expression test: the series `expr` of `rule` selects at `at` — one (firing) or none — counted. */
const exprTest = (rule: Rule, at: string, fires: boolean) =>
  `      - expr: ${JSON.stringify(`count(${rule.expr})`)}
        eval_time: ${at}
        exp_samples: ${fires ? '\n          - labels: "{}"\n            value: 1' : '[]'}`;

describe('st3 metrics alerts | grafana', () => {
  it('writes rules promtool accepts, whose seed conditions fire exactly when they hold', async () => {
    await withTempDir(async (dir) => {
      const written = await runSt3(['metrics', 'alerts', '--out', 'rules.yml', '--cwd', dir]);
      expect(written.code, written.stderr).toBe(0);
      const check = promtool(['check', 'rules', 'rules.yml'], dir);
      if (!check) return;
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toMatch(/SUCCESS: 15 rules found/);
      const rules = json<{ rules: Rule[] }>(await runSt3(['metrics', 'alerts', '--json'])).rules;
      const rule = (name: string) => rules.find((r) => r.alert === name)!;
      // Alert-level test (for:, labels, annotations) of the seed's precision condition.
      const precision = rule('ST3PrecisionBelowTarget');
      const tests = `rule_files:
  - rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'st3_v2_precision_percent{instance="coord:9465",job="st3"}'
        values: '90x20'
      - series: 'st3_v2_run_elapsed_seconds{instance="coord:9465",job="st3"}'
        values: '7000+60x20'
      - series: 'st3_v2_atoms_generated_total{instance="coord:9465",job="st3",outcome="applied"}'
        values: '0+10x40'
      - series: 'st3_v2_atoms_failed_total{instance="coord:9465",job="st3",category="syntax"}'
        values: '0+1x40'
      - series: 'up{instance="w1:9466",job="st3-worker"}'
        values: '1 1 0x10'
    alert_rule_test:
      - eval_time: 10m
        alertname: ST3PrecisionBelowTarget
        exp_alerts:
          - exp_labels: { severity: ${precision.labels.severity} }
            exp_annotations:
              summary: ${JSON.stringify(precision.annotations.summary)}
              description: ${JSON.stringify(precision.annotations.description.replace(/\{\{[^}]*\}\}/, '90.0'))}
      - eval_time: 3m
        alertname: ST3PrecisionBelowTarget
        exp_alerts: []
    promql_expr_test:
${exprTest(rule('ST3RunTooLong'), '1m', false)}
${exprTest(rule('ST3RunTooLong'), '5m', true)}
${exprTest(rule('ST3AtomFailureRateHigh'), '30m', true)}
${exprTest(rule('ST3WorkerDown'), '1m', false)}
${exprTest(rule('ST3WorkerDown'), '5m', true)}
  - interval: 1m
    input_series:
      - series: 'st3_v2_precision_percent{instance="coord:9465",job="st3"}'
        values: '99x20'
      - series: 'st3_v2_atoms_generated_total{instance="coord:9465",job="st3",outcome="applied"}'
        values: '0+100x40'
      - series: 'st3_v2_atoms_failed_total{instance="coord:9465",job="st3",category="syntax"}'
        values: '0+1x40'
      - series: 'st3_v2_cost_per_project_usd{instance="coord:9465",job="st3"}'
        values: '250x5'
    alert_rule_test:
      - eval_time: 10m
        alertname: ST3PrecisionBelowTarget
        exp_alerts: []
    promql_expr_test:
${exprTest(rule('ST3AtomFailureRateHigh'), '30m', false)}
${exprTest(rule('ST3CostPerProjectHigh'), '2m', true)}
`;
      await writeFile(join(dir, 'rules.test.yml'), tests);
      const run = promtool(['test', 'rules', 'rules.test.yml'], dir)!;
      expect(run.status, run.stdout + run.stderr).toBe(0);
      // Thresholds are options: at 90% the same precision no longer alerts.
      const lax = await runSt3(['metrics', 'alerts', '--precision-below', '90', '--out', 'rules.yml', '--cwd', dir]);
      expect(lax.code).toBe(0);
      expect(await readFile(join(dir, 'rules.yml'), 'utf8')).toMatch(/st3_v2_precision_percent\) < 90"/);
    });
  }, 60_000);

  it('writes a 12-panel Grafana dashboard whose queries name only served metrics', async () => {
    await withTempDir(async (dir) => {
      const r = await runSt3(['metrics', 'grafana', '--out', 'dash.json', '--json', '--cwd', dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(json(r).panels).toBe(12);
      const dash = JSON.parse(await readFile(join(dir, 'dash.json'), 'utf8'));
      const names = new Set<string>();
      for (const p of dash.panels)
        for (const t of p.targets) for (const m of t.expr.matchAll(/\b(st3_[a-z0-9_]+)/g)) names.add(m[1]);
      expect(names.size).toBeGreaterThan(8);
      for (const n of names) expect(n).toMatch(/^st3_(v2|worker)_/);
      const bad = await runSt3(['metrics', 'alerts', '--precision-below', '120']);
      expect(bad.code).toBe(2);
    });
  }, 60_000);
  it('st3 metrics serve shows the execution totals that runs add to (two runs: twice the count)', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'));
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [] }));
      for (let i = 0; i < 2; i++) {
        const r = await runSt3(['execute', 'graph.json', '--run', 'true', '--json'], { cwd: dir });
        expect(r.code, r.stderr).toBe(0);
      }
      const child = spawn(process.execPath, [st3Bin, 'metrics', 'serve', '--port', '0', '--cwd', dir], {
        env: { ...process.env, NO_COLOR: '1', CI: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.setEncoding('utf8').on('data', (c: string) => {
            out += c;
            const m = /serving (http:\S+)/.exec(out);
            if (m) resolve(m[1]!);
          });
          child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
        });
        const page = await (await fetch(url)).text();
        expect(page).toMatch(/^st3_v2_atoms_generated_total\{outcome="command"\} 4$/m);
        expect(page).toMatch(/^st3_v2_runs_total\{status="succeeded",backend="local"\} 2$/m);
        expect(page).toMatch(/^st3_v2_review_queue_size\{level="critical"\} 0$/m);
        expect(page).toMatch(/^st3_v2_precision_percent 100$/m);
        // No price configured: no cost metric rather than a made-up zero.
        expect(page).not.toMatch(/st3_v2_cost/);
      } finally {
        child.kill('SIGINT');
      }
    });
  }, 60_000);
});
