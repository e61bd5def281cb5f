import { St3Error } from '@st3/schemas/errors';
import { loadCommandTree, type CliDefinition } from '../run.js';
import { defineCommand, type Command } from '../spec.js';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { completionModel, type CompletionNode } from './model.js';
import { zshScript } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script of `program` for `shell`, from the model of its command tree. */
export function completionScript(shell: Shell, program: string, nodes: CompletionNode[]): string {
  if (shell === 'bash') return bashScript(program, nodes);
  if (shell === 'zsh') return zshScript(program, nodes);
  if (shell === 'fish') return fishScript(program, nodes);
  throw new St3Error('E_USAGE', `no completion for shell "${String(shell)}"`, { hint: `one of: ${SHELLS.join(', ')}` });
}

/**
 * The `completion` command of a CLI: loads every command (only here; `--help` stays lazy) and prints
 * the script. `loadCli` returns the CLI's own definition, so the command can sit in its table.
 */
export function completionCommand(loadCli: () => Promise<CliDefinition>): Command {
  return defineCommand({
    name: 'completion',
    summary: 'print the shell completion script (bash, zsh or fish)',
    description:
      'The script completes commands, subcommands, options and their fixed values. It is generated from the ' +
      'same command specs as --help, so it matches this version; regenerate it after an upgrade.',
    args: [{ name: 'shell', description: 'the shell to complete in', required: true, choices: SHELLS }],
    examples: [
      'source <(st3 completion bash)',
      'st3 completion bash > ~/.local/share/bash-completion/completions/st3',
      'st3 completion zsh > "${fpath[1]}/_st3"',
      'st3 completion fish > ~/.config/fish/completions/st3.fish',
    ],
    async run({ args, io }) {
      const cli = await loadCli();
      const tree = await loadCommandTree(cli);
      io.stdout.write(completionScript(args.shell as Shell, cli.name, completionModel(cli, tree)));
      return 0;
    },
  });
}
