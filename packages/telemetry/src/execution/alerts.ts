/**
 * Prometheus alerting rules for the execution metrics: the seed's conditions (precision < 95%,
 * execution time > 2 h, failure rate > 5%) and the others a team running agents at scale needs
 * (review queue growing, workers down, stalled runs, cost, timeouts…). Queries de-duplicate with
 * `max without (instance, job)`, so scraping both `st3 execute --metrics-port` and `st3 metrics serve`
 * (which show the same totals) counts nothing twice.
 */

import { St3Error } from '@st3/schemas';

export interface AlertThresholds {
  /** Precision below this (%) is critical (default 95, the seed's). */
  precisionPercent?: number;
  /** A run longer than this many hours (default 2, the seed's). */
  maxRunHours?: number;
  /** Failed atoms above this share of finished ones over 15 min (default 0.05, the seed's 5%). */
  failureRate?: number;
  /** Cost of one run above this (USD, default 200: the seed's "cost < $200" target). */
  maxCostPerProjectUsd?: number;
  /** Critical-confidence review items waiting above this (default 10). */
  maxCriticalReviews?: number;
  /** The Prometheus job name(s) of the workers' /metrics, as a regular expression (default `st3-worker.*`). */
  workerJob?: string;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'critical' | 'warning' | 'info' };
  annotations: { summary: string; description: string };
}

/** `max without (instance, job) (x)`: one series per label set, whichever process exposed it. */
const one = (x: string) => `max without (instance, job) (${x})`;
const total = (x: string) => `(sum(${one(x)}) or vector(0))`;

export function alertRules(thresholds: AlertThresholds = {}): AlertRule[] {
  const precision = thresholds.precisionPercent ?? 95;
  const hours = thresholds.maxRunHours ?? 2;
  const failureRate = thresholds.failureRate ?? 0.05;
  const cost = thresholds.maxCostPerProjectUsd ?? 200;
  const critical = thresholds.maxCriticalReviews ?? 10;
  const workerJob = promqlRegex(thresholds.workerJob ?? 'st3-worker.*');
  const finished15m = `${total('rate(st3_v2_atoms_generated_total[15m])')} + ${total('rate(st3_v2_atoms_failed_total[15m])')}`;
  const rule = (
    alert: string,
    expr: string,
    forTime: string,
    severity: AlertRule['labels']['severity'],
    summary: string,
    description: string,
  ): AlertRule => ({ alert, expr, for: forTime, labels: { severity }, annotations: { summary, description } });
  return [
    rule(
      'ST3PrecisionBelowTarget',
      `${one('st3_v2_precision_percent')} < ${precision}`,
      '5m',
      'critical',
      `Precision below ${precision}%`,
      `Only {{ $value | printf "%.1f" }}% of the atoms that ran ended validated (target ≥ ${precision}%). Read the failures in .st3/runs/<id>.json.`,
    ),
    rule(
      'ST3RunTooLong',
      `${one('st3_v2_run_elapsed_seconds')} > ${hours * 3600}`,
      '1m',
      'warning',
      `A run has been going for more than ${hours} h`,
      'Add workers (st3 worker), raise their --concurrency, or check for slow agents.',
    ),
    rule(
      'ST3AtomFailureRateHigh',
      `${total('rate(st3_v2_atoms_failed_total[15m])')} / clamp_min(${finished15m}, 1e-9) > ${failureRate}`,
      '10m',
      'critical',
      `More than ${failureRate * 100}% of atoms fail`,
      'Failed atoms over finished atoms in the last 15 min is {{ $value | humanizePercentage }}.',
    ),
    rule(
      'ST3ReviewQueueGrowing',
      `sum(${one('delta(st3_v2_review_queue_size[1h])')}) > 10`,
      '30m',
      'warning',
      'The review queue keeps growing',
      'More than 10 items were added to the review queue in the last hour than were decided: st3 review serve.',
    ),
    rule(
      'ST3CriticalReviewsWaiting',
      `${one('st3_v2_review_queue_size{level="critical"}')} > ${critical}`,
      '30m',
      'warning',
      `More than ${critical} critical-confidence changes wait for review`,
      'Reviewers should start with the critical items (st3 review list --sort priority).',
    ),
    rule(
      'ST3NoWorkers',
      `${one('st3_v2_workers')} == 0 and on() sum(${one('st3_v2_queue_jobs{state=~"waiting|delayed"}')}) > 0`,
      '2m',
      'critical',
      'Jobs wait in the queue and no worker is connected',
      'Start workers: st3 worker --redis <url> --cwd <workspace>.',
    ),
    rule(
      'ST3WorkerDown',
      `up{job=~${workerJob}} == 0`,
      '2m',
      'critical',
      'A worker stopped answering its metrics scrape',
      'Worker {{ $labels.instance }} is down; its running jobs are taken over by other workers after their lock expires.',
    ),
    rule(
      'ST3JobsStalled',
      `sum(${one('increase(st3_v2_jobs_stalled_total[15m])')}) > 0`,
      '0m',
      'warning',
      'Workers died or froze in the middle of jobs',
      'Stalled jobs were taken over by other workers; check the workers (memory, kills, blocked event loop).',
    ),
    rule(
      'ST3QueueHasFailedJobs',
      `${one('st3_v2_queue_jobs{state="failed"}')} > 0`,
      '5m',
      'warning',
      'The queue holds jobs it failed',
      'A job failed in the queue itself (its worker died too often, or could not serve its run); st3 execute --resume runs such nodes again.',
    ),
    rule(
      'ST3RunMakesNoProgress',
      `${one('st3_v2_run_elapsed_seconds')} > 900 and on() (${total('increase(st3_v2_atoms_generated_total[15m])')} + ${total('increase(st3_v2_atoms_failed_total[15m])')} + ${total('increase(st3_v2_atoms_skipped_total[15m])')}) == 0`,
      '5m',
      'critical',
      'A run has finished no atom for 15 minutes',
      'No atom reached an outcome in 15 min: are workers connected, is the agent server answering?',
    ),
    rule(
      'ST3RetryRateHigh',
      `${total('rate(st3_v2_retries_total[30m])')} / clamp_min(${total('rate(st3_v2_atoms_generated_total[30m])')} + ${total('rate(st3_v2_atoms_failed_total[30m])')}, 1e-9) > 0.5`,
      '15m',
      'warning',
      'Atoms need many retries',
      'More than one retry per two finished atoms: the prompts or the model may not fit the task.',
    ),
    rule(
      'ST3AgentTimeouts',
      `sum(${one('increase(st3_v2_retries_total{category="timeout"}[15m])')}) > 10`,
      '5m',
      'warning',
      'Agent attempts keep timing out',
      'More than 10 attempts timed out in 15 min; raise --timeout or check the model server.',
    ),
    rule(
      'ST3DependencyFailures',
      `sum(${one('increase(st3_v2_atoms_failed_total{category="dependency"}[15m])')}) > 0`,
      '0m',
      'warning',
      'Atoms fail for a missing dependency',
      'A tool, module or agent server is missing or unreachable; these failures are not retried.',
    ),
    rule(
      'ST3CostPerProjectHigh',
      `${one('st3_v2_cost_per_project_usd')} > ${cost}`,
      '0m',
      'warning',
      `A run costs more than $${cost}`,
      'The tokens of the running or last run cost {{ $value | printf "%.2f" }} USD at the configured prices.',
    ),
    rule(
      'ST3LowConfidenceShare',
      `sum(${one('increase(st3_v2_confidence_score_bucket{le="0.7"}[1h])')}) / clamp_min(sum(${one('increase(st3_v2_confidence_score_count[1h])')}), 1) > 0.3`,
      '15m',
      'warning',
      'Many generated changes have low confidence',
      'More than 30% of the changes of the last hour scored below 0.7 and went to review.',
    ),
  ];
}

/**
 * A regular expression as a PromQL string literal: quoted, its `\` and `"` escaped (written as is,
 * `st3\.worker` was an unknown escape and the whole rules file failed to load). One Prometheus (RE2)
 * cannot compile is refused here, not written into a file `promtool check rules` rejects.
 */
function promqlRegex(pattern: string): string {
  const why = re2Problem(pattern);
  if (why)
    throw new St3Error(
      'E_USAGE',
      `worker job pattern ${JSON.stringify(pattern)} is not a regular expression Prometheus can use: ${why}`,
      { hint: 'Prometheus matches job names with RE2 syntax, e.g. st3-worker.* or st3\\.worker-(a|b)' },
    );
  return JSON.stringify(pattern);
}

/** Why RE2 would refuse `pattern`, as far as JavaScript's parser and RE2's known omissions tell. */
function re2Problem(pattern: string): string | undefined {
  try {
    RegExp(pattern);
  } catch (error) {
    return (error as Error).message;
  }
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround is not supported by RE2';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) return 'backreferences are not supported by RE2';
  return undefined;
}

const q = (s: string) => JSON.stringify(s);

/** The rules as a Prometheus rules file (YAML; strings double-quoted). */
export function alertRulesYaml(thresholds: AlertThresholds = {}, groupName = 'st3-execution'): string {
  const lines = [
    '# Prometheus alerting rules for ST3 execution metrics (st3 metrics alerts).',
    '# Load with rule_files: [this file]; check with: promtool check rules <file>',
    'groups:',
    `  - name: ${q(groupName)}`,
    '    rules:',
  ];
  for (const r of alertRules(thresholds)) {
    lines.push(
      `      - alert: ${r.alert}`,
      `        expr: ${q(r.expr)}`,
      `        for: ${r.for}`,
      '        labels:',
      `          severity: ${r.labels.severity}`,
      '        annotations:',
      `          summary: ${q(r.annotations.summary)}`,
      `          description: ${q(r.annotations.description)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
