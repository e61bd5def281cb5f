import type { TelemetryHandle } from '@st3/schemas';
import type { CliIO } from './io.js';

/** What `st3 run` hands each stage. */
export interface StageContext {
  /** Workspace root (holds `.st3/`). */
  root: string;
  io: CliIO;
  /** Stages write nothing outside their scratch area unless this is false. */
  dryRun: boolean;
  quiet: boolean;
  /** Where stages report what they did (`st3 run` saves it for the metrics stage); absent on a dry run. */
  telemetry?: TelemetryHandle;
}

/** One stage's outcome in the `st3 run` report. */
export interface StageReport {
  stage: string;
  ok: boolean;
  /** Skipped stages are ok but did no work (the reason is the summary). */
  skipped?: boolean;
  /** One line for the human report. */
  summary: string;
  /** Further lines for the human report. */
  lines?: string[];
  /** Anything useful for `st3 run --json`. */
  data?: unknown;
}

/** A stage of `st3 run`, exported by an area app as `stage`. */
export interface RunStage {
  name: string;
  /** Short description for help and the report. */
  title: string;
  run(ctx: StageContext): Promise<StageReport>;
}
