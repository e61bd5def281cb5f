/**
 * `@st3/quality-gates/prefetch`: what a CLI can start before loading the engine (no zod, no YAML
 * parser). The diff of auto scope is git's work; starting it first overlaps it with module loading.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findGitRoot } from '@st3/fs';
import { prefetchGitChanges } from './scope/git-binary.js';

/**
 * Starts the git runs an auto-scope run of the workspace at `root` will need: the diff against
 * state.json's `baseline_sha`. Only a head start — the run validates state.json and decides the scope
 * as always, and takes these runs only when it asks git the same question. Never throws: anything
 * unusual (no state, no baseline, no repository) is left for the run to handle and report.
 */
export function prefetchAutoScope(root: string): void {
  try {
    const state = JSON.parse(readFileSync(join(root, '.st3', 'state.json'), 'utf8')) as {
      quality_gates?: { baseline_sha?: unknown };
    };
    const base = state?.quality_gates?.baseline_sha;
    if (typeof base !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(base)) return;
    const dir = findGitRoot(root);
    if (dir) prefetchGitChanges(dir, base);
  } catch {
    // No readable state: the run reads it again and reports what is wrong.
  }
}
