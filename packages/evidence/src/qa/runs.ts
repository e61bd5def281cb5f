import { join } from 'node:path';
import { QaSummarySchema, type QaSummary } from '@st3/schemas';
import { z } from 'zod';
import { withUnknownKeys } from '../lossless.js';
import { readRecord } from '../util.js';

/** The QA runs of a task, in its context folder (`st3 qa record` appends to it). */
export const RUNS_FILE = join('qa', 'runs.json');
export const MAX_RUNS = 200;
export const QaRunsSchema = z.object({ version: z.literal(1), runs: z.array(QaSummarySchema) });

/** Every recorded QA summary in a context folder, oldest first. */
export async function readRunsFile(contextDir: string): Promise<QaSummary[]> {
  return (await readRunsDocument(contextDir, false)).runs;
}

/**
 * `qa/runs.json` of a context folder (no file: no runs); with `keepUnknown`, with the keys the schema
 * does not know too, which `recordQa` writes back as they were.
 */
export async function readRunsDocument(
  contextDir: string,
  keepUnknown: boolean,
): Promise<z.infer<typeof QaRunsSchema>> {
  const file = join(contextDir, RUNS_FILE);
  const read = await readRecord(file, QaRunsSchema, { what: 'QA runs file' });
  if (read === undefined) return { version: 1, runs: [] };
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

/** The QA metadata (command, exit code, duration) a QA record gives an attachment. */
export function qaMetadataOf(summary: QaSummary): Record<string, unknown> {
  return {
    command: summary.command,
    exit_code: summary.exit_code ?? -1,
    duration_ms: summary.duration_ms,
    kind: summary.kind,
    format: summary.format,
    headline: summary.headline,
    key: summary.key,
  };
}

/** A QA record saved as a file (`st3 qa record --json` output, or a summary alone), else undefined. */
export function qaRecordIn(text: string): QaSummary | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const raw = JSON.parse(text) as { summary?: unknown };
    const parsed = QaSummarySchema.safeParse(raw && typeof raw === 'object' && 'summary' in raw ? raw.summary : raw);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
