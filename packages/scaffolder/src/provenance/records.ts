import type { ScaffoldAnswers, TemplateRegistry } from '@st3/schemas';
import { readAnswers } from '../answers.js';
import { readTemplateRegistry } from './template-registry.js';

/** What a workspace recorded about its generated files. */
export interface ScaffoldRecords {
  /** `.st3/template_registry.json` (empty when absent). */
  registry: TemplateRegistry;
  /** `.st3/scaffold/answers.json` (empty when absent). */
  answers: ScaffoldAnswers;
}

/**
 * Reads and validates both record files of a workspace. A file that exists but is not valid is
 * E_CONFIG_INVALID at its file:line:col, never read as empty: a check must not judge without its
 * records, and a scaffold must not write files it then cannot record.
 */
export async function readRecords(workspace: string): Promise<ScaffoldRecords> {
  const registry = await readTemplateRegistry(workspace);
  const answers = await readAnswers(workspace);
  return { registry, answers };
}
