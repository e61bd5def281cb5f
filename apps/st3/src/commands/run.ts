import { defineCommand, EXIT } from '@st3/cli-kit';

export const command = defineCommand({
  name: 'run',
  summary: 'not built yet',
  usage: 'st3 run',
  examples: [],
  async run(_argv, io) {
    io.stderr.write('st3 run: not built yet\n');
    return EXIT.failure;
  },
});
