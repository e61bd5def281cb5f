import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { promClient } from '../prom-client.js';
import { WORKER_METRICS } from './catalog.js';

const info = (name: string) => WORKER_METRICS.find((m) => m.name === name)!;

/**
 * The metrics of one `st3 worker` process (`st3_worker_*` of the catalog): jobs by outcome, their
 * durations, the jobs running and the concurrency. They start at 0 with the process; the alert rules
 * read them with `rate()` and `up`, so a restarted worker resets nothing that matters.
 */
export class WorkerMetrics {
  readonly registry: Registry;
  private readonly jobs: Counter<'outcome'>;
  private readonly durations: Histogram<'outcome'>;
  private readonly activeJobs: Gauge;

  constructor(concurrency: number) {
    const { Counter, Gauge, Histogram, Registry } = promClient();
    this.registry = new Registry();
    const registers = [this.registry];
    const m = (name: string) => ({ name, help: info(name).help, registers });
    this.jobs = new Counter({ ...m('st3_worker_jobs_total'), labelNames: ['outcome'] });
    this.durations = new Histogram({
      ...m('st3_worker_job_duration_seconds'),
      labelNames: ['outcome'],
      buckets: [...(info('st3_worker_job_duration_seconds').buckets ?? [])],
    });
    this.activeJobs = new Gauge(m('st3_worker_active_jobs'));
    new Gauge(m('st3_worker_concurrency')).set(concurrency);
    this.activeJobs.set(0);
  }

  jobStarted(): void {
    this.activeJobs.inc();
  }

  jobEnded(outcome: string, durationMs: number): void {
    this.activeJobs.dec();
    this.jobs.inc({ outcome });
    this.durations.observe({ outcome }, durationMs / 1000);
  }
}
