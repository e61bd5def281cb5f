// The one process runner of the repository (argv only, tree kill, output caps), loaded on first use.
export type { ProcessResult, RunProcessOptions } from '@st3/process';

export async function loadProcessRunner() {
  return (await import('@st3/process')).runProcess;
}
