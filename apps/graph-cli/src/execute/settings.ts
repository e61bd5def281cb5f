import { createProgress, type CliIO, type Output } from '@st3/cli-kit';
import type { ExecuteEvent } from '@st3/executor';

// The scheduling settings are resolved in @st3/executor (`runSettings`), as the MCP execute tool resolves them.
export { runSettings, type RunSettings } from '@st3/executor';

/** What a run shows while it runs: a progress bar on a terminal, and each retry on stderr. */
export function runEvents(io: CliIO, out: Output, quiet: boolean, label: string) {
  const progress = createProgress(io, { quiet, label });
  return {
    onEvent(e: ExecuteEvent): void {
      if (e.type === 'progress') progress.update(e.done, e.total);
      else if (e.type === 'node:retry' && !out.json)
        out.warn(
          `${e.id}: attempt ${e.attempt} failed (${e.category}); retrying in ${(e.delayMs / 1000).toFixed(1)} s`,
        );
    },
    done: () => progress.done(),
  };
}
