import { completionCommand } from '@st3/cli-kit';

/** `st3 completion bash|zsh|fish`: the script is generated from every command's spec (loaded only here). */
export const command = completionCommand(async () => (await import('../cli.js')).cli);
