import { defineCommand, EXIT } from '@st3/cli-kit';

export const command = defineCommand({
  name: 'validate',
  summary: 'not built yet',
  usage: 'st3 validate',
  examples: [],
  async run(_argv, io) {
    io.stderr.write('st3 validate: not built yet\n');
    return EXIT.failure;
  },
});
