import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const SKIP = new Set(['node_modules', '.turbo', '.mypy_cache', '.pytest_cache', '.benchmarks']);
/** What a run of the tools writes into examples/.st3 (untracked): a fresh copy has none of it. */
const GENERATED =
  /^\.st3\/(cache|metrics|scratch|runs|review|telemetry|tasks|logs|quarantine|state\.json|template_registry\.json)(\/|$)/;

/** A fresh copy of the repo's examples/ workspace (sources, .st3 config, tasks) in a temp folder. */
export async function copyExamples(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-'));
  await cp(join(repoRoot, 'examples'), dir, {
    recursive: true,
    filter: (src) => !SKIP.has(basename(src)) && !GENERATED.test(relative(join(repoRoot, 'examples'), src)),
  });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
